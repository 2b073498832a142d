"""The CLI's commands (see bot/cli.py for their arguments)."""
from __future__ import annotations

import logging
import sys

from bot.clock import Clock, FixedClock, parse_now
from bot.settings import load_settings


def _logging(level=logging.INFO) -> None:
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("alembic").setLevel(logging.WARNING)


def _clock(settings, now: str | None) -> Clock:
    return FixedClock(parse_now(now, settings.timezone), settings.timezone) if now else Clock(settings.timezone)


def _bot(args, now: str | None = None):
    from bot.app import Bot
    settings = load_settings(args.config)
    return Bot(settings, _clock(settings, now))


def cmd_serve(args) -> int:
    from bot.app import create_app
    _logging()
    settings = load_settings(args.config)
    app = create_app(settings)
    base = f"http://{args.host}:{args.port}"
    print(f"""
校园安全整治助手 已启动  数据库: {settings.database}
  企业微信 智能机器人回调 (群聊@机器人):  {base}/wecom/aibot
  企业微信 自建应用回调 (单聊):           {base}/wecom/callback
  钉钉 企业内部机器人回调 (HTTP 模式):    {base}/dingtalk/callback
  健康检查:                               {base}/healthz
  数据看板 (专班):                        {base}/dashboard/?token=<dashboard.token>
  回调的 Token / EncodingAESKey / AppSecret 见 {settings.source or 'var/dev-secrets.yaml'}
  在终端里试用: .venv/bin/python -m bot chat --as zhang.wei
""" + ("  推送: 示例通讯录没有真实的群机器人 webhook，推送内容写在日志里（push_mode: console）\n"
       if settings.push_mode == "console" else ""), flush=True)
    try:
        app.run(host=args.host, port=args.port, threaded=True, use_reloader=False)
    finally:
        app.bot.stop()
    return 0


def cmd_chat(args) -> int:
    from bot.app import Bot
    from bot.channels import console
    _logging(logging.WARNING)
    settings = load_settings(args.config)
    # on console pushes, the groups' notices appear in the terminal after the reply that caused them
    bot = Bot(settings, _clock(settings, None), console_write=print)
    bot.start_background()
    try:
        console.repl(bot, args.user, args.chat)
    finally:
        bot.stop()
    return 0


def cmd_ask(args) -> int:
    from bot.channels import console
    _logging(logging.WARNING)
    bot = _bot(args, args.now)
    try:
        reply = console.ask(bot, args.user, args.chat, args.text)
        print(reply.plain())
    finally:
        bot.db.dispose()
    return 0


def cmd_outbox(args) -> int:
    from bot.push.outbox import listing
    bot = _bot(args)
    with bot.db.session(readonly=True) as s:
        rows = listing(s, include_sent=args.all)
        if not rows:
            print("推送队列为空：没有待发送或发送失败的消息。")
            return 0
        labels = {"pending": "待发送", "sent": "已发送", "failed": "失败"}
        for r in rows:
            target = r.group_chat_id or "会话回复"
            group = bot.directory.group_for_chat(r.group_chat_id)
            when = r.next_attempt_at.astimezone(bot.clock.tz).strftime("%m-%d %H:%M")
            text = (r.payload.get("text") or r.payload.get("markdown", {}).get("text", "")).split("\n")[0]
            print(f"#{r.id} {labels.get(r.status, r.status)} {group.name if group else target} "
                  f"尝试{r.attempts}次 下次{when} {text[:40]}")
            if r.last_error:
                print(f"    错误: {r.last_error}")
    return 0


def cmd_remind(args) -> int:
    from bot.scheduler.cli import run_remind
    return run_remind(args)


def cmd_export(args) -> int:
    from bot.reporting.cli import run_export
    return run_export(args)


def cmd_report(args) -> int:
    from bot.reporting.cli import run_report
    return run_report(args)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(1)
