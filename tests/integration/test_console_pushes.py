"""The embedded default's pushes: shown in the terminal after the reply, marked sent, never shown twice."""
import dataclasses
import datetime as dt

from sqlalchemy import select

from bot.app import Bot
from bot.channels import console
from bot.clock import FixedClock
from bot.models import OutboxMessage
from bot.push.console import ConsolePushes


def test_a_chat_shows_each_notice_once_after_the_reply(settings, directory):
    settings = dataclasses.replace(settings, push_mode="console", sender_enabled=False)
    out: list[str] = []
    bot = Bot(settings, FixedClock(dt.datetime(2023, 6, 5, 9)), ConsolePushes(directory, write=out.append))
    lines = iter(["后门鱼塘没有护栏，学生放学常去玩", "/as li.na", "统计"])

    def read(_prompt):
        try:
            return next(lines)
        except StopIteration:
            raise EOFError from None
    try:
        console.repl(bot, "zhang.wei", "wr-yf1z", read=read, write=out.append)
        assert bot.sender.drain().sent == 0                       # nothing left, nothing sent twice
        with bot.db.session(readonly=True) as s:
            statuses = list(s.scalars(select(OutboxMessage.status)))
    finally:
        bot.db.dispose()
    reply = next(i for i, text in enumerate(out) if text.startswith("✅ 已登记隐患 #1"))
    pushes = [text for text in out if text.startswith("📣")]
    assert out.index(pushes[0]) == reply + 1                   # the notices follow the reply that caused them
    assert {p.splitlines()[0] for p in pushes} == {"📣 推送到「鱼峰一中安全工作群」（企业微信），@李娜：",
                                                   "📣 推送到「区教育局工作群」（企业微信），@黄敏："}
    assert all("**新隐患 #1**" in p for p in pushes) and len(pushes) == 2
    assert statuses == ["sent"] * len(statuses) and len(statuses) == 2


def test_serving_on_console_pushes_writes_each_notice_to_the_log(settings, caplog):
    settings = dataclasses.replace(settings, push_mode="console", sender_enabled=False)
    bot = Bot(settings, FixedClock(dt.datetime(2023, 6, 5, 9)))            # no HTTP client given
    try:
        console.ask(bot, "wang.fang", "cid-bszx", "食堂留样记录缺了三天")
        with caplog.at_level("INFO", logger="bot.push.console"):
            assert bot.sender.drain().sent == 2
    finally:
        bot.db.dispose()
    logged = [r.getMessage() for r in caplog.records if r.name == "bot.push.console"]
    assert len(logged) == 2 and all("**新隐患 #1**" in m for m in logged)
    assert any(m.startswith("📣 推送到「白沙中学安全群」（钉钉），@刘洋：") for m in logged), logged
