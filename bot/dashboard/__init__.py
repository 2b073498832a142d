"""The 专班's read-only web dashboard under /dashboard: totals, charts, overdue list, blacklist,
the filtered ledger and its .xlsx download. Rendered on the server, token-protected."""
from __future__ import annotations

import logging
import tempfile
from urllib.parse import quote, urlencode

from flask import Blueprint, Response, abort, current_app, redirect, render_template, request

from bot import texts
from bot.dashboard import auth, charts
from bot.dashboard.data import board
from bot.reporting.filters import LedgerFilter
from bot.reporting.xlsx import write_ledger

log = logging.getLogger("bot.dashboard")


def register_dashboard(app, bot) -> None:
    bp = Blueprint("dashboard", __name__, url_prefix="/dashboard", template_folder="templates")
    bp.before_request(_authorize)
    bp.add_url_rule("/", "page", _page)
    bp.add_url_rule("/export.xlsx", "export", _export)
    bp.add_url_rule("/report.docx", "report", _report)
    app.register_blueprint(bp)
    app.extensions["bot_dashboard"] = bot
    logging.getLogger("werkzeug").addFilter(auth.RedactToken())


def _bot():
    return current_app.extensions["bot_dashboard"]


def _authorize():
    """The token opens the page once and is swapped for a signed link, so it leaves the address bar."""
    bot = _bot()
    token = bot.settings.dashboard.token
    if not token:
        return Response(render_template("dashboard/closed.html", reason="看板未启用：请在配置文件中设置 dashboard.token。"),
                        status=404)
    now = bot.clock.now()
    if auth.token_ok(token, request.args.get("token")):
        keep = {k: v for k, v in request.args.items() if k not in ("token", "exp", "sig")}
        return redirect(f"{request.path}?{urlencode({**keep, **auth.signed_params(token, now, auth.PAGE_TTL)})}", 303)
    if not auth.link_ok(token, request.args.get("exp"), request.args.get("sig"), now):
        log.info("dashboard: refused %s from %s", request.path, request.remote_addr)
        return Response(render_template("dashboard/closed.html",
                                        reason="链接无效或已过期。请在专班群里向机器人发送“看板”获取新链接。"), status=403)
    return None


def _signed() -> dict[str, str]:
    return {"exp": request.args["exp"], "sig": request.args["sig"]}


def _page():
    bot = _bot()
    flt = LedgerFilter.from_args(request.args, bot.plan)
    page = request.args.get("page", "1")
    with bot.db.session(readonly=True) as s:
        b = board(s, bot.plan, bot.clock.tz, bot.clock.today(), flt, int(page) if page.isdigit() else 1)
        html = render_template("dashboard/page.html", b=b, plan=bot.plan, flt=flt, texts=texts, signed=_signed(),
                               weekly=charts.weekly(b.weeks), link=_link, now=bot.clock.now(),
                               areas=list(zip(bot.plan.areas, b.areas)))
    return Response(html, headers={"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"})


def _link(path: str, **params) -> str:
    """A link inside the page: the filters asked for, plus the signed-link parameters."""
    query = {k: v for k, v in params.items() if v not in (None, "")}
    return f"{request.script_root}/dashboard/{path}?{urlencode({**query, **_signed()})}"


def _export():
    """The ledger as .xlsx, written to a spooled temporary file and streamed out in chunks."""
    bot = _bot()
    flt = LedgerFilter.from_args(request.args, bot.plan)
    spool = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)
    with bot.db.session(readonly=True) as s:
        n = write_ledger(s, bot.plan, bot.clock.tz, bot.clock.today(), spool, flt)
    size = spool.tell()
    spool.seek(0)
    log.info("dashboard: ledger export of %d issues (%d bytes)", n, size)

    def chunks():
        with spool:
            while block := spool.read(64 * 1024):
                yield block

    name = f"台账-{bot.clock.today():%Y%m%d}.xlsx"
    return Response(chunks(), mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    headers={"Content-Length": str(size), "Cache-Control": "no-store",
                             "Content-Disposition": f"attachment; filename=ledger.xlsx; filename*=UTF-8''{quote(name)}"})


def _report():
    """The monthly report as the Word file `python -m bot report` writes (?month=YYYY-MM, default this month)."""
    import io

    from bot.reporting import monthly, word
    from bot.services.reports import month_report
    bot = _bot()
    now = bot.clock.now()
    year, month = now.year, now.month
    asked = request.args.get("month", "")
    if asked:
        try:
            year, month = (int(p) for p in asked.split("-"))
        except ValueError:
            abort(400, "month: YYYY-MM")
    try:
        with bot.db.session(readonly=True) as s:
            figures = month_report(s, bot.plan, year, month, now)
    except ValueError as exc:       # a month still to come, or no such month
        abort(400, str(exc))
    out = io.BytesIO()
    word.render(monthly.build(bot.plan, figures, bot.clock.today()), out)
    name = f"月报-{year}-{month:02d}.docx"
    log.info("dashboard: monthly report %d-%02d (%d bytes)", year, month, out.tell())
    return Response(out.getvalue(), mimetype="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                    headers={"Cache-Control": "no-store",
                             "Content-Disposition": f"attachment; filename=report.docx; filename*=UTF-8''{quote(name)}"})
