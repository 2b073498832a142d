"""Random bytes and valid-but-odd messages at both callbacks and the parser: never a 500, never an
exception escaping, and nothing written for a request that was refused."""
from __future__ import annotations

import datetime as dt
import functools
import json

import pytest
from hypothesis import HealthCheck, given, settings as hsettings, strategies as st
from sqlalchemy import func, select

from bot.models import InboundMessage
from tests.conftest import AIBOT_KEY, AIBOT_TOKEN, DING_SECRET

@functools.lru_cache(maxsize=1)
def _parser():
    from bot.directory import load_directory
    from bot.nlp import build_parser
    from bot.plan import load_plan
    from tests.conftest import ROOT
    return build_parser(load_plan(ROOT / "config/plan.yaml"), load_directory(ROOT / "config/directory.yaml"))


FUZZ = hsettings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
odd_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=300)


@pytest.fixture
def client(settings, clock):
    """The real Flask app (no socket needed to throw thousands of requests at it quickly)."""
    from bot.app import create_app
    app = create_app(settings, clock=clock, background=False)
    yield app.test_client(), app.bot
    app.bot.stop()


def _inbound(bot) -> int:
    with bot.db.session() as s:
        return s.scalar(select(func.count()).select_from(InboundMessage))


@FUZZ
@given(body=st.binary(max_size=2048), query=st.dictionaries(st.sampled_from(
    ["msg_signature", "timestamp", "nonce", "echostr"]), st.text(max_size=60), max_size=4))
def test_random_bytes_never_500(client, body, query):
    http, bot = client
    for path in ("/wecom/aibot", "/wecom/callback", "/dingtalk/callback"):
        for method in (http.get, http.post):
            resp = method(path, query_string=query, data=body, headers={"Content-Type": "application/json"})
            assert resp.status_code < 500, (path, resp.status_code)
    assert _inbound(bot) == 0


@FUZZ
@given(payload=st.dictionaries(st.sampled_from(["msgid", "msgtype", "from", "chatid", "text", "chattype", "stream"]),
                               st.one_of(st.none(), st.integers(), odd_text, st.lists(odd_text, max_size=2),
                                         st.dictionaries(st.sampled_from(["content", "userid", "id"]), odd_text)),
                               max_size=7))
def test_validly_signed_odd_aibot_json_never_500(client, payload):
    from tests.platform_sim import WeComSender
    http, bot = client
    sender = WeComSender(AIBOT_TOKEN, AIBOT_KEY, "")
    params, body = sender.aibot_request(payload, timestamp=str(int(bot.clock.now().timestamp())))
    resp = http.post("/wecom/aibot", query_string=params, data=body, headers={"Content-Type": "application/json"})
    assert resp.status_code in (200, 400), resp.status_code


@FUZZ
@given(text=odd_text)
def test_any_text_gets_an_answer(client, text):
    from tests.platform_sim import WeComSender
    http, bot = client
    sender = WeComSender(AIBOT_TOKEN, AIBOT_KEY, "")
    payload = sender.aibot_text(f"fz-{abs(hash(text))}", "zhang.wei", "wr-yf1z", text)
    params, body = sender.aibot_request(payload, timestamp=str(int(bot.clock.now().timestamp())))
    resp = http.post("/wecom/aibot", query_string=params, data=body, headers={"Content-Type": "application/json"})
    assert resp.status_code == 200
    reply = json.loads(sender.decrypt_json_reply(resp.data))
    assert reply["stream"]["content"].strip()


@FUZZ
@given(data=st.dictionaries(st.sampled_from(["msgId", "msgtype", "text", "senderStaffId", "conversationId",
                                             "sessionWebhook", "conversationType"]),
                            st.one_of(st.none(), st.integers(), odd_text, st.dictionaries(st.just("content"), odd_text)),
                            max_size=7))
def test_validly_signed_odd_dingtalk_json_never_500(client, data):
    from tests.platform_sim import dingtalk_headers
    http, bot = client
    headers = dingtalk_headers(DING_SECRET, int(bot.clock.now().timestamp() * 1000))
    resp = http.post("/dingtalk/callback", data=json.dumps(data), headers={**headers, "Content-Type": "application/json"})
    assert resp.status_code in (200, 400), resp.status_code


@hsettings(max_examples=300, deadline=None)
@given(text=odd_text, role=st.sampled_from([None, "teacher", "leader", "taskforce", "admin", "guest"]),
       day=st.dates(dt.date(2020, 1, 1), dt.date(2030, 12, 31)))
def test_parser_never_raises(text, role, day):
    parsed = _parser().parse(text, day, sender_role=role)
    assert parsed.intent in ("report", "progress", "close", "query", "help", "other")
    assert parsed.deadline is None or parsed.deadline >= day


@pytest.mark.parametrize("sender", [{"content": "x"}, "u" * 101, ["a"]])
def test_a_dingtalk_sender_that_is_no_id_is_refused_not_retried_forever(client, sender):
    """Found by the fuzz test on PostgreSQL: a 101-character sender overflowed the ledger's column and
    answered 503 on every retry; an id that cannot be one is a malformed request (400), and nothing is stored."""
    from tests.platform_sim import dingtalk_headers
    http, bot = client
    headers = dingtalk_headers(DING_SECRET, int(bot.clock.now().timestamp() * 1000))
    body = {"msgId": "m-long", "msgtype": "text", "text": {"content": "统计"}, "senderStaffId": sender}
    resp = http.post("/dingtalk/callback", data=json.dumps(body), headers={**headers, "Content-Type": "application/json"})
    assert resp.status_code == 400
    with bot.db.session(readonly=True) as s:
        assert s.scalar(select(func.count()).select_from(InboundMessage)) == 0


def test_a_wecom_user_id_longer_than_any_real_one_is_refused(client):
    from tests.platform_sim import WeComSender
    http, bot = client
    sender = WeComSender(AIBOT_TOKEN, AIBOT_KEY, "")
    payload = sender.aibot_text("aibot-long-user", "u" * 101, "wr-yf1z", "统计")
    params, body = sender.aibot_request(payload, timestamp=str(int(bot.clock.now().timestamp())))
    resp = http.post("/wecom/aibot", query_string=params, data=body, headers={"Content-Type": "application/json"})
    assert resp.status_code == 400
    with bot.db.session(readonly=True) as s:
        assert s.scalar(select(func.count()).select_from(InboundMessage)) == 0
