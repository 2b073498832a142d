"""The dashboard served on a loopback port and read by a real headless Chromium (--dump-dom):
the numbers on the page equal the database's, the filters work, the token stays secret."""
from __future__ import annotations

import datetime as dt
import io
import os
import re
import subprocess
import threading
from dataclasses import replace
from types import SimpleNamespace

import pytest
import requests
from flask import Flask
from openpyxl import load_workbook
from sqlalchemy import func, select
from werkzeug.serving import make_server

from bot.clock import FixedClock
from bot.dashboard import auth, register_dashboard
from bot.models import CLOSED, Issue
from bot.services.actors import resolve_actor
from bot.services.ledger import Ledger

# Read at import: the autouse fixture in tests/conftest.py clears BOT_* variables for each test.
CHROMIUM = os.environ.get("BOT_TEST_CHROMIUM") or ("/usr/bin/chromium" if os.path.exists("/usr/bin/chromium") else "")
TOKEN = "dash-token-for-tests"
NOW = dt.datetime(2023, 6, 20, 10, 0)


def at(month, day):
    return FixedClock(dt.datetime(2023, month, day, 10)).now()


@pytest.fixture
def ledger_data(db, plan, directory):
    """14 issues: overdue ones at two schools, one closed, one supervised, some still in time."""
    who = lambda uid: resolve_actor(directory, uid)  # noqa: E731
    clock = FixedClock(at(6, 1))
    with db.session() as s:
        led = Ledger(s, plan, directory, clock)
        for n in range(6):
            led.open_issue(who("wang.fang"), area=6, description=f"食堂留样记录缺失{n}", school="白沙镇中学",
                           deadline=dt.date(2023, 6, 5 + n))
        for n in range(5):
            led.open_issue(who("zhang.wei"), area=9, description=f"河边缺少警示牌{n}", school="鱼峰区第一中学",
                           deadline=dt.date(2023, 6, 18 + n * 2))
        led.open_issue(who("chen.jing"), area=2, description="校门口车辆乱停", school="里雍镇中心小学")
        done = led.open_issue(who("zhang.wei"), area=9, description="后门鱼塘没有护栏", school="鱼峰区第一中学")
        led.open_issue(who("chen.jing"), area=4, description="接送车辆超载", school="里雍镇中心小学",
                       deadline=dt.date(2023, 6, 10))
        clock.at = at(6, 8)
        led.request_close(who("li.na"), done.id, "护栏已装好")
        led.approve_close(who("wu.hao"), done.id)
        led.supervise(who("wu.hao"), 1, True)
    return db


@pytest.fixture
def server(ledger_data, plan, directory, settings):
    bot = SimpleNamespace(db=ledger_data, plan=plan, directory=directory, settings=settings,
                          clock=FixedClock(NOW))
    app = Flask("dashboard-test")
    register_dashboard(app, bot)
    srv = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield SimpleNamespace(url=f"http://127.0.0.1:{srv.server_port}", bot=bot)
    srv.shutdown()


@pytest.fixture
def chromium(tmp_path):
    if not CHROMIUM or not os.path.exists(CHROMIUM):
        pytest.skip("no Chromium: set BOT_TEST_CHROMIUM or install Debian's chromium at /usr/bin/chromium")

    def dump(url: str) -> str:
        profile = tmp_path / f"profile-{len(list(tmp_path.iterdir()))}"
        cmd = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync",
               f"--user-data-dir={profile}", "--dump-dom", url]
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr[-2000:]
        return done.stdout
    return dump


def number(dom: str, element_id: str) -> int:
    m = re.search(rf'id="{element_id}"[^>]*>\s*(\d+)', dom)
    assert m, f"#{element_id} not on the page"
    return int(m.group(1))


def ledger_ids(dom: str) -> list[int]:
    table = dom[dom.index('<table class="ledger">'):]
    return [int(n) for n in re.findall(r'<tr class="[^"]*" data-issue="(\d+)"', table)]


def count(db, *conds) -> int:
    with db.session() as s:
        return s.scalar(select(func.count()).select_from(Issue).where(*conds))


def ids(db, *conds) -> list[int]:
    with db.session() as s:
        return list(s.scalars(select(Issue.id).where(*conds).order_by(Issue.id.desc())))


def test_page_numbers_match_the_database(server, chromium, ledger_data):
    dom = chromium(f"{server.url}/dashboard/?token={TOKEN}")
    today = NOW.date()
    open_, late = Issue.status != CLOSED, Issue.deadline < today
    assert number(dom, "n-total") == count(ledger_data) == 14
    assert number(dom, "n-open") == count(ledger_data, open_) == 13
    assert number(dom, "n-closed") == count(ledger_data, Issue.status == CLOSED) == 1
    assert number(dom, "n-overdue") == count(ledger_data, open_, late) == 9
    assert number(dom, "n-supervised") == count(ledger_data, open_, Issue.supervised) == 1
    assert number(dom, "n-rate") == 7
    for status in ("open", "in_progress", "pending_review", "closed"):
        assert number(dom, f"status-{status}") == count(ledger_data, Issue.status == status)
    areas = dict(re.findall(r'data-area="(\d+)".*?class="area-open">(\d+)<', dom, re.S))
    assert {int(a): int(n) for a, n in areas.items()} == {a: count(ledger_data, open_, Issue.area == a)
                                                         for a in range(1, 10)}
    overdue_section = dom[dom.index('id="overdue"'):dom.index('id="blacklist"')]
    assert [int(n) for n in re.findall(r'data-issue="(\d+)"', overdue_section)] == [1, 2, 3, 4, 5, 6, 14, 12, 7]
    assert "逾期15天" in overdue_section                     # #1, due 6-5
    schools = dom[dom.index('id="blacklist-schools"'):dom.index('id="blacklist-units"')]
    assert re.findall(r"<b>(.+?)</b> 逾期 <span class=\"bl-n\">(\d+)</span>", schools) == [
        ("白沙镇中学", "6"), ("里雍镇中心小学", "2")]
    assert number(dom, "ledger-total") == 14 and ledger_ids(dom) == ids(ledger_data)
    assert TOKEN not in dom
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in dom
    assert "<script" not in dom and "http" not in re.sub(r'http://127\.0\.0\.1:\d+', "", dom.split("<body>")[1])


def test_filters_narrow_the_ledger(server, chromium, ledger_data):
    dom = chromium(f"{server.url}/dashboard/?token={TOKEN}&area=9&status=open")
    assert ledger_ids(dom) == ids(ledger_data, Issue.area == 9, Issue.status == "open") == [11, 10, 9, 8, 7]
    assert number(dom, "ledger-total") == 5
    assert '<option value="9" selected="">防溺水</option>' in dom
    dom = chromium(f"{server.url}/dashboard/?token={TOKEN}&overdue=1&school=%E7%99%BD%E6%B2%99%E9%95%87%E4%B8%AD%E5%AD%A6")
    assert ledger_ids(dom) == ids(ledger_data, Issue.school == "白沙镇中学", Issue.status != CLOSED,
                                  Issue.deadline < NOW.date()) == [6, 5, 4, 3, 2, 1]
    assert number(dom, "n-total") == 14        # the totals stay district-wide


def test_the_token_opens_a_signed_link_and_nothing_else_does(server):
    http = requests.Session()
    assert http.get(f"{server.url}/dashboard/", timeout=10).status_code == 403
    assert http.get(f"{server.url}/dashboard/?token=wrong", timeout=10).status_code == 403
    first = http.get(f"{server.url}/dashboard/?token={TOKEN}&area=6", allow_redirects=False, timeout=10)
    assert first.status_code == 303 and TOKEN not in first.headers["Location"]
    assert "area=6" in first.headers["Location"] and "sig=" in first.headers["Location"]
    page = http.get(server.url + first.headers["Location"].split(server.url)[-1], timeout=10)
    assert page.status_code == 200 and TOKEN not in page.text
    expired = auth.signed_params(TOKEN, server.bot.clock.now() - dt.timedelta(hours=13))
    assert http.get(f"{server.url}/dashboard/", params=expired, timeout=10).status_code == 403
    forged = auth.signed_params("another-secret", server.bot.clock.now())
    assert http.get(f"{server.url}/dashboard/", params=forged, timeout=10).status_code == 403
    link = auth.signed_link(server.url, TOKEN, server.bot.clock.now())
    assert http.get(link, timeout=10).status_code == 200


def test_download_streams_the_filtered_ledger(server, ledger_data):
    params = {**auth.signed_params(TOKEN, server.bot.clock.now()), "area": "9"}
    got = requests.get(f"{server.url}/dashboard/export.xlsx", params=params, timeout=30)
    assert got.status_code == 200
    assert "filename*=UTF-8''%E5%8F%B0%E8%B4%A6-20230620.xlsx" in got.headers["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(got.content))["台账"]
    assert [r[0] for r in sheet.iter_rows(min_row=2, values_only=True)] == sorted(ids(ledger_data, Issue.area == 9))


def test_dashboard_is_closed_without_a_configured_token(server):
    server.bot.settings = replace(server.bot.settings, dashboard=replace(server.bot.settings.dashboard, token=""))
    got = requests.get(f"{server.url}/dashboard/?token=", timeout=10)
    assert got.status_code == 404 and "dashboard.token" in got.text


def _context(directory, settings, user, chat_id, is_group=True):
    from bot.handlers.registry import Context
    from bot.messages import Message
    clock = FixedClock(NOW)
    msg = Message("wecom", user, chat_id, "看板", "m1", clock.now(), is_group=is_group)
    ctx = Context(message=msg, actor=resolve_actor(directory, user), parsed=None, session=None, ledger=None,
                  queries=None, plan=None, directory=directory, clock=clock, ask=None, page=None)
    ctx.settings = settings
    return ctx


def test_chat_command_sends_the_taskforce_a_working_signed_link(server, directory):
    from bot.handlers.dashboard_link import dashboard_link
    settings = replace(server.bot.settings, public_url=server.url)
    reply = dashboard_link(_context(directory, settings, "wu.hao", "wr-zb"))
    link = re.search(r"\((http://[^)]+)\)", reply.text).group(1)
    assert TOKEN not in reply.text and "12小时内有效" in reply.text
    assert requests.get(link, timeout=10).status_code == 200
    assert "仅向专班开放" in dashboard_link(_context(directory, settings, "li.na", "wr-yf1z")).text
    assert "专班群或与我的单聊" in dashboard_link(_context(directory, settings, "wu.hao", "wr-yf1z")).text
    assert "点击打开看板" in dashboard_link(_context(directory, settings, "wu.hao", "wu.hao", is_group=False)).text


def _docx_text(content: bytes) -> str:
    from docx import Document
    d = Document(io.BytesIO(content))
    cells = [c.text for t in d.tables for row in t.rows for c in row.cells]
    return "\n".join([p.text for p in d.paragraphs] + cells)


def test_monthly_report_downloads_as_word(server, ledger_data):
    signed = auth.signed_params(TOKEN, server.bot.clock.now())
    got = requests.get(f"{server.url}/dashboard/report.docx", params={**signed, "month": "2023-06"}, timeout=30)
    assert got.status_code == 200 and "%E6%9C%88%E6%8A%A5-2023-06.docx" in got.headers["Content-Disposition"]
    text = _docx_text(got.content)
    assert "2023年6月" in text and "鱼峰区" in text
    # the same figures as the database: 14 issues found, one closed
    assert "14" in text and "白沙镇中学" in text
    assert requests.get(f"{server.url}/dashboard/report.docx", params={**signed, "month": "2023-13"},
                        timeout=10).status_code == 400
    assert requests.get(f"{server.url}/dashboard/report.docx", params={"month": "2023-06"}, timeout=10).status_code == 403


def test_monthly_report_in_chat_links_to_the_word_file(server, directory, plan, ledger_data):
    from bot.handlers.month_report import reply
    settings = replace(server.bot.settings, public_url=server.url)
    with ledger_data.session(readonly=True) as s:
        ctx = _context(directory, settings, "wu.hao", "wr-zb")
        ctx.session, ctx.plan = s, plan
        answer = reply(ctx).text
        link = re.search(r"\[下载 Word 版月报\]\((http://[^)]+)\)", answer).group(1)
        assert TOKEN not in answer and "month=2023-06" in link
        elsewhere = _context(directory, settings, "wu.hao", "wr-yf1z")
        elsewhere.session, elsewhere.plan = s, plan
        assert "专班群或单聊" in reply(elsewhere).text
    got = requests.get(link, timeout=30)
    assert got.status_code == 200 and "2023年6月" in _docx_text(got.content)
