"""The sender against the fake platform server: limits, retries, outages, permanent errors."""
from __future__ import annotations

import datetime as dt

import pytest
import requests
from sqlalchemy import select

from bot.clock import FixedClock
from bot.models import OutboxMessage
from bot.push.outbox import enqueue
from bot.push.sender import Sender


@pytest.fixture
def platform(clock):
    from tests.platform_sim import FakePushServer
    with FakePushServer() as server:
        server.clock = lambda: clock.now().timestamp()
        server.add_wecom_key("sample-key-yf1z")
        server.add_wecom_key("sample-key-zb")
        server.add_dingtalk_robot("sample-token-bszx", "SECsample-bszx")
        yield server


@pytest.fixture
def sender(db, directory, clock, platform):
    return Sender(db, directory, clock, requests.Session(), timeout=1.0,
                  push_base={"wecom": platform.url, "dingtalk": platform.url})


def queue(db, clock, n, chat="wr-yf1z", platform="wecom", prefix="m"):
    with db.session() as s:
        for i in range(n):
            enqueue(s, key=f"{prefix}:{chat}:{i}", platform=platform, group_chat_id=chat, now=clock.now(),
                    payload={"title": "t", "text": f"提醒 {i}", "mention_userids": [], "mention_mobiles": []})


def statuses(db) -> list[str]:
    with db.session() as s:
        return s.scalars(select(OutboxMessage.status).order_by(OutboxMessage.id)).all()


def test_twenty_a_minute_per_webhook_then_the_rest(db, clock, sender, platform):
    queue(db, clock, 25)
    queue(db, clock, 3, chat="wr-zb")
    first = sender.drain()
    assert first.sent == 23 and first.waiting >= 1          # 20 to one robot, 3 to the other
    assert len(platform.received(key="sample-key-yf1z")) == 20
    clock.advance(seconds=61)
    assert sender.drain().sent == 5
    assert statuses(db).count("sent") == 28
    assert [b["body"]["markdown"]["content"] for b in platform.received(key="sample-key-yf1z")][:3] == \
        ["提醒 0", "提醒 1", "提醒 2"]                        # in order
    assert platform.unexpected == []


def test_server_errors_and_hangs_are_retried(db, clock, sender, platform):
    queue(db, clock, 2)
    platform.fail_next(1, status=502)
    platform.hang_next(1, seconds=2)        # longer than the sender's 1 s timeout
    result = sender.drain()
    assert result.retried == 2 and result.sent == 0
    clock.advance(seconds=10)
    assert sender.drain().sent == 2
    assert len(platform.received()) == 2


def test_a_hanging_robot_costs_one_timeout_not_one_per_message(db, clock, sender, platform):
    import time
    queue(db, clock, 5)
    queue(db, clock, 1, chat="wr-zb")
    platform.hang_next(1, seconds=3)
    started = time.monotonic()
    result = sender.drain()
    assert time.monotonic() - started < 2.5                 # one 1 s timeout, the rest held back
    assert result.retried == 1 and result.waiting == 4 and result.sent == 1   # the other robot is served
    clock.advance(seconds=6)
    assert sender.drain().sent == 5
    assert [r["body"]["markdown"]["content"] for r in platform.received(key="sample-key-yf1z")] == \
        [f"提醒 {i}" for i in range(5)]


def test_platform_down_for_an_hour_loses_nothing(db, clock, sender, platform):
    queue(db, clock, 5)
    platform.down()
    for _ in range(12):                     # an hour of retries at growing intervals
        sender.drain()
        clock.advance(minutes=5)
    assert platform.received() == [] and set(statuses(db)) == {"pending"}
    platform.up()
    clock.advance(minutes=10)
    sender.drain()
    assert statuses(db) == ["sent"] * 5
    assert len(platform.received()) == 5


def test_rate_limit_answer_backs_off(db, clock, sender, platform):
    queue(db, clock, 1)
    platform.set_errcode_next(1, 45009, "api freq out of limit, hint: [x]")
    assert sender.drain().retried == 1
    assert sender.drain().sent == 0          # not before the back-off
    clock.advance(seconds=61)
    assert sender.drain().sent == 1


def test_permanent_errors_stop_and_are_shown(db, clock, sender, platform):
    queue(db, clock, 1)
    with db.session() as s:   # a webhook key the platform does not know
        enqueue(s, key="bad", platform="wecom", url="https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=unknown",
                now=clock.now(), payload={"text": "x"})
    result = sender.drain()
    assert result.sent == 1 and result.failed == 1
    with db.session() as s:
        bad = s.scalar(select(OutboxMessage).where(OutboxMessage.key == "bad"))
        assert bad.status == "failed" and "93000" in bad.last_error and "unknown" not in bad.last_error
    clock.advance(hours=1)
    assert sender.drain().sent == 0 and len(platform.received()) == 1


def test_dingtalk_push_is_signed_and_throttle_holds_the_robots_queue(db, clock, sender, platform):
    queue(db, clock, 4, chat="cid-bszx", platform="dingtalk")
    queue(db, clock, 2)                                   # another robot is not held back
    platform.set_errcode_next(1, 130101, "send too fast, exceed 20 times per minute")
    result = sender.drain()
    # the refused push and the three behind it wait out DingTalk's 10-minute throttle
    assert result.retried == 1 and result.waiting == 3 and result.sent == 2
    assert platform.received(platform="dingtalk") == []
    clock.advance(minutes=5)
    assert sender.drain().sent == 0
    clock.advance(minutes=6)
    assert sender.drain().sent == 4
    assert [r["key"] for r in platform.received(platform="dingtalk")] == ["sample-token-bszx"] * 4
    assert [r["body"]["markdown"]["text"] for r in platform.received(platform="dingtalk")] == \
        [f"提醒 {i}" for i in range(4)]                     # still in order


def test_newer_dingtalk_rate_code_is_also_a_throttle(db, clock, sender, platform):
    queue(db, clock, 2, chat="cid-bszx", platform="dingtalk")
    platform.set_errcode_next(1, 410100, "发送速度太快而限流")
    assert sender.drain().retried == 1
    clock.advance(minutes=9)
    assert sender.drain().sent == 0
    clock.advance(minutes=2)
    assert sender.drain().sent == 2


def test_bad_dingtalk_token_and_sign_are_permanent(db, clock, directory, platform):
    platform.ding_robots["sample-token-bszx"] = "SECsomething-else"     # the robot's secret was changed
    sender = Sender(db, directory, clock, requests.Session(), timeout=1.0, push_base={"dingtalk": platform.url})
    queue(db, clock, 1, chat="cid-bszx", platform="dingtalk")
    with db.session() as s:
        enqueue(s, key="gone", platform="dingtalk", now=clock.now(), payload={"title": "t", "text": "x"},
                url="https://oapi.dingtalk.com/robot/send?access_token=removed-robot")
    assert sender.drain().failed == 2
    with db.session() as s:
        errors = sorted(s.scalars(select(OutboxMessage.last_error)).all())
    assert "310000" in errors[1] and "sign not match" in errors[1] and "300001" in errors[0]
    clock.advance(hours=2)
    assert sender.drain() == sender.drain().__class__()    # nothing retried


def test_outbox_listing_shows_failures(db, clock, sender, platform, tmp_path, config_file):
    import subprocess
    import sys
    from tests.conftest import ROOT
    with db.session() as s:
        enqueue(s, key="bad", platform="wecom", url="https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=unknown",
                now=clock.now(), payload={"text": "逾期提醒"})
    sender.drain()
    out = subprocess.run([sys.executable, "-m", "bot", "outbox", "--config", str(config_file)], cwd=ROOT,
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert "失败" in out.stdout and "93000" in out.stdout and "unknown" not in out.stdout


def test_two_senders_never_send_a_row_twice(db, directory, clock, platform):
    import threading
    queue(db, clock, 15)
    queue(db, clock, 15, chat="wr-zb")
    senders = [Sender(db, directory, clock, requests.Session(), push_base={"wecom": platform.url}) for _ in range(2)]
    threads = [threading.Thread(target=s.drain) for s in senders]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    bodies = [r["body"]["markdown"]["content"] + r["key"] for r in platform.received()]
    assert len(bodies) == 30 and len(set(bodies)) == 30


def test_a_long_chinese_dingtalk_message_fits_the_body_limit_on_the_wire(db, clock, sender, platform):
    """DingTalk counts the request body's bytes (20000): sent as UTF-8, a message cut to the format's
    limit fits; escaped as \\uXXXX it would be twice as long and refused with 460101."""
    from bot.push import format as push_format
    lines = [f"#{i} 白沙镇中学 食堂留样柜损坏需要更换（截止6月{i % 28 + 1}日，已逾期{i}天）" for i in range(400)]
    parts = push_format.split("dingtalk", "**校园安全整改提醒**", lines, {"mention_userids": [], "mention_mobiles": []})
    with db.session() as s:
        for i, payload in enumerate(parts):
            enqueue(s, key=f"long:{i}", platform="dingtalk", group_chat_id="cid-bszx", now=clock.now(), payload=payload)
    result = sender.drain()
    assert result.failed == 0 and result.sent == len(parts)
    assert "".join(r["body"]["markdown"]["text"] for r in platform.received()).count("白沙镇中学") == 400
