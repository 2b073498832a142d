"""A whole working day at DEBUG: reports on every channel, pushes that succeed, fail and cannot
connect, refused requests, the dashboard and the 看板 link, then `python -m bot outbox`. None of the
configured secrets may appear in any log record, any reply, any page or the command's output."""
from __future__ import annotations

import datetime as dt
import json
import logging
import os
import re
import subprocess
import sys
import threading
from urllib.parse import parse_qs, urlsplit

import pytest
from werkzeug.serving import make_server

from bot.settings import load_settings
from tests.conftest import AIBOT_KEY, AIBOT_TOKEN, CORP_ID, DING_SECRET, ROOT, WECOM_KEY, WECOM_TOKEN, AGENT_ID
from tests.e2e.conftest import Live
from tests.e2e.test_faults import wait_until
from tests.platform_sim import WeComSender, dingtalk_headers, dingtalk_text

DASH_TOKEN = "dash-token-for-tests"
PLATFORM_PATHS = re.compile(r'(GET|POST) /(cgi-bin|robot)/')
JSON = {"Content-Type": "application/json"}


def configured_secrets(bot) -> dict[str, str]:
    s = bot.settings
    found = {"wecom.token": s.wecom.token, "wecom.aes_key": s.wecom.encoding_aes_key,
             "aibot.token": s.wecom_aibot.token, "aibot.aes_key": s.wecom_aibot.encoding_aes_key,
             "dingtalk.app_secret": s.dingtalk.app_secret, "dashboard.token": s.dashboard.token}
    for group in bot.directory.groups:
        query = parse_qs(urlsplit(group.webhook or "").query)
        for name in ("key", "access_token"):
            if name in query:
                found[f"{group.chat_id}.{name}"] = query[name][0]
        if getattr(group, "secret", ""):
            found[f"{group.chat_id}.secret"] = group.secret
    assert all(found.values()) and len(found) >= 12, found
    return found


def _connection_failure_recorded(bot) -> bool:
    from sqlalchemy import select
    from bot.models import OutboxMessage
    with bot.db.session() as s:
        errors = s.scalars(select(OutboxMessage.last_error).where(OutboxMessage.last_error.is_not(None))).all()
    return any("ConnectionError" in e for e in errors)


def record_text(record: logging.LogRecord) -> str:
    text = record.getMessage()
    if record.exc_info:
        text += logging.Formatter().formatException(record.exc_info)
    return text + (record.exc_text or "") + (record.stack_info or "")


def assert_clean(where: str, text: str, secrets: dict[str, str]) -> None:
    leaked = [name for name, value in secrets.items() if value in text]
    assert not leaked, f"{leaked} in {where}: {text[:300]}"


@pytest.fixture
def day(caplog, config_file, clock, platform):
    """The service with DEBUG logging switched on before it is even built."""
    from bot.app import create_app
    caplog.set_level(logging.DEBUG)
    settings = load_settings(str(config_file), env={"BOT_PUSH_BASE_WECOM": platform.url,
                                                    "BOT_PUSH_BASE_DINGTALK": platform.url})
    app = create_app(settings, clock=clock, background=True)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield Live(app, f"http://127.0.0.1:{server.server_port}")
    finally:
        server.shutdown()
        app.bot.stop()


def test_no_secret_in_logs_replies_pages_or_outbox_listing(day, caplog, platform, clock, config_file):
    live, bot = day, day.bot
    secrets = configured_secrets(bot)
    aibot, app = WeComSender(AIBOT_TOKEN, AIBOT_KEY, ""), WeComSender(WECOM_TOKEN, WECOM_KEY, CORP_ID)
    seen: list[tuple[str, str]] = []      # (where, text) of everything a user or operator gets to see
    ts = lambda: str(int(bot.clock.now().timestamp()))  # noqa: E731

    def aibot_say(msgid, user, chat, text):
        params, body = aibot.aibot_request(aibot.aibot_text(msgid, user, chat, text), timestamp=ts())
        resp = live.post("/wecom/aibot", params=params, data=body, headers=JSON)
        assert resp.status_code == 200, resp.text
        seen.append((f"aibot reply {msgid}", aibot.decrypt_json_reply(resp.content) + resp.text))
        return json.loads(aibot.decrypt_json_reply(resp.content))["stream"]["content"]

    # reports and commands on all three channels; the first push fails, then the platform answers
    platform.set_errcode_next(1, 93000, "invalid webhook url, hint: [x]")
    platform.fail_next(1, 500)
    aibot_say("s-1", "zhang.wei", "wr-yf1z", "后门鱼塘没有护栏，学生放学常去玩")
    aibot_say("s-2", "wu.hao", "wr-zb", "上报 白沙中学 两个村的学生在学校打群架")
    link_reply = aibot_say("s-3", "wu.hao", "wr-zb", "看板")
    assert "/dashboard/?" in link_reply and "sig=" in link_reply
    params, body = app.app_request(app.app_text_xml("9001", "li.na", "帮助", CORP_ID, AGENT_ID, ts()), timestamp=ts())
    resp = live.post("/wecom/callback", params=params, data=body, headers={"Content-Type": "text/xml"})
    assert resp.status_code == 200
    seen.append(("app reply", app.decrypt_xml_reply(resp.content) + resp.text))
    session = platform.add_dingtalk_session().replace(platform.url, "https://oapi.dingtalk.com")
    ding = dingtalk_text("ds-1", "wang.fang", "cid-bszx", "学校保安没有保安员证", session)
    resp = live.post("/dingtalk/callback", data=json.dumps(ding, ensure_ascii=False).encode(),
                     headers={**dingtalk_headers(DING_SECRET, int(bot.clock.now().timestamp() * 1000)), **JSON})
    assert resp.status_code == 200
    seen.append(("dingtalk answer", resp.text))

    # refusals of every kind
    bad = {**params, "msg_signature": "0" * 40}
    assert live.post("/wecom/callback", params=bad, data=body, headers={"Content-Type": "text/xml"}).status_code == 403
    assert live.post("/dingtalk/callback", data=b"{}", headers={"timestamp": "1", "sign": "x", **JSON}).status_code == 403
    assert live.get("/dashboard/", params={"token": DASH_TOKEN + "x"}).status_code == 403

    # the dashboard: the token opens it once and is swapped for a signed link
    opened = live.get("/dashboard/", params={"token": DASH_TOKEN}, allow_redirects=False)
    assert opened.status_code == 303
    seen.append(("dashboard redirect", opened.headers["Location"]))
    page = live.get(opened.headers["Location"])
    assert page.status_code == 200
    seen.append(("dashboard page", page.text))

    # retries after backoff, then a platform that cannot be reached at all
    for _ in range(3):
        clock.advance(minutes=5)
        bot.sender.drain()
    platform.wait_for(1, timeout=10, platform="dingtalk")
    platform.wait_for(1, timeout=10, platform="wecom")
    platform.stop()
    platform._server.server_close()        # refuse connections outright: requests quotes the URL then
    aibot_say("s-4", "zhang.wei", "wr-yf1z", "食堂员工上班不戴口罩帽子")
    bot.sender.drain()                     # this or the background sender meets the closed port
    wait_until(lambda: _connection_failure_recorded(bot), 15, "a push to fail on the closed port")

    listing = subprocess.run([sys.executable, "-m", "bot", "outbox", "--all", "--config", str(config_file)],
                             capture_output=True, text=True, timeout=60, cwd=ROOT,
                             env={**os.environ, "BOT_PUSH_BASE_WECOM": platform.url})
    assert listing.returncode == 0, listing.stderr
    assert "错误: errcode 93000" in listing.stdout and "ConnectionError" in listing.stdout, listing.stdout
    seen.append(("python -m bot outbox", listing.stdout + listing.stderr))

    # the scenario really exercised the failure paths whose messages could have quoted a URL
    messages = [record_text(r) for r in caplog.records]
    assert any("refused" in m for m in messages)
    assert any("ConnectionError" in m or "Connection refused" in m for m in messages), "no connection failure logged"
    assert any("93000" in m for m in messages)
    assert any(r.name.startswith("urllib3") for r in caplog.records), "DEBUG HTTP logs were not captured"
    for i, text in enumerate(messages):
        if caplog.records[i].name == "werkzeug" and PLATFORM_PATHS.search(text):
            continue    # the fake platform's own access log (in-process here; Tencent's and DingTalk's for real)
        assert_clean(f"log record {i} ({caplog.records[i].name})", text, secrets)
    for where, text in seen:
        assert_clean(where, text, secrets)


def test_reminders_sent_without_the_web_service_keep_keys_out_of_debug_logs(caplog, config_file, clock, platform):
    """`python -m bot remind` builds the Bot without its HTTP endpoints: its sender alone must keep
    webhook keys and DingTalk tokens out of urllib3's DEBUG request lines."""
    from bot.app import Bot
    from bot.push.sender import _HTTP_LOG_FILTER
    from bot.scheduler.sweep import Sweeper
    http_log = logging.getLogger("urllib3.connectionpool")
    http_log.removeFilter(_HTTP_LOG_FILTER)        # as in a fresh `remind` process
    caplog.set_level(logging.DEBUG)
    settings = load_settings(str(config_file), env={"BOT_PUSH_BASE_WECOM": platform.url,
                                                    "BOT_PUSH_BASE_DINGTALK": platform.url})
    bot = Bot(settings, clock)
    try:
        bot.conversation.handle(_console(bot, "zhang.wei", "后门鱼塘没有护栏，学生放学常去玩"))
        bot.conversation.handle(_console(bot, "wang.fang", "学校保安没有保安员证"))
        clock.advance(days=20)
        with bot.db.session() as s:
            assert Sweeper(bot.plan, bot.directory).run(s, clock.now()).messages
        assert bot.sender.drain().sent >= 3
    finally:
        bot.stop()
    requests_logged = [record_text(r) for r in caplog.records if r.name == "urllib3.connectionpool"]
    assert any("POST /cgi-bin/webhook/send?" in t for t in requests_logged), requests_logged
    assert any("POST /robot/send?" in t for t in requests_logged), requests_logged
    secrets = configured_secrets(bot)
    for i, record in enumerate(caplog.records):
        if record.name == "werkzeug":
            continue    # the fake platform's own access log (Tencent's and DingTalk's for real)
        assert_clean(f"log record {i} ({record.name})", record_text(record), secrets)


def _console(bot, user, text):
    from bot.channels import console
    return console.message(bot, user, "console", text)
