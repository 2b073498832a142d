"""Hostile and broken requests over real HTTP: each is refused with the right status, logged exactly
once at WARNING, and leaves every table as it was. Plus: nobody acts as someone else by saying so."""
from __future__ import annotations

import contextlib
import json
import logging
import socket
import threading
import time

import pytest
from hypothesis import HealthCheck, given, settings as hsettings, strategies as st
from sqlalchemy import func, select
from werkzeug.serving import make_server

from bot.models import Base, Issue, IssueEvent
from bot.settings import load_settings
from tests.conftest import (AGENT_ID, AIBOT_KEY, AIBOT_TOKEN, CORP_ID, DING_SECRET, WECOM_KEY, WECOM_TOKEN)
from tests.e2e.conftest import Live
from tests.platform_sim import WeComSender, dingtalk_headers, dingtalk_text

JSON = {"Content-Type": "application/json"}
XML = {"Content-Type": "text/xml"}

BILLION_LAUGHS = ('<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY a "lol">'
                  + "".join(f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(9))
                  + ']><xml><Encrypt>&j;</Encrypt><ToUserName>&j;</ToUserName><Content>&j;</Content></xml>')
EXTERNAL_ENTITY = ('<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
                   '<xml><Encrypt>&x;</Encrypt><FromUserName>&x;</FromUserName><MsgType>text</MsgType></xml>')
EXTERNAL_DTD = '<?xml version="1.0"?><!DOCTYPE xml SYSTEM "http://127.0.0.1:9/evil.dtd"><xml><Encrypt>x</Encrypt></xml>'


@contextlib.contextmanager
def serve(config_file, clock, env=None):
    """The real app on a loopback port (like the `live` fixture, with settings overridable by env)."""
    from bot.app import create_app
    app = create_app(load_settings(str(config_file), env=env or {}), clock=clock, background=False)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Live(app, f"http://127.0.0.1:{server.server_port}")
    finally:
        server.shutdown()
        app.bot.stop()


@pytest.fixture
def svc(config_file, clock):
    with serve(config_file, clock) as live:
        yield live


@pytest.fixture
def aibot():
    return WeComSender(AIBOT_TOKEN, AIBOT_KEY, "")


@pytest.fixture
def app_sender():
    return WeComSender(WECOM_TOKEN, WECOM_KEY, CORP_ID)


def now_s(live) -> str:
    return str(int(live.bot.clock.now().timestamp()))


def snapshot(live) -> dict[str, int]:
    """Row count of every table: a refused request must leave all of them untouched."""
    with live.bot.db.session() as s:
        return {t.name: s.scalar(select(func.count()).select_from(t)) for t in Base.metadata.sorted_tables}


def warnings_of(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]


def assert_refused(live, caplog, send, status: int, why: str = ""):
    """Send once; the answer has `status`, one WARNING line says why, and no table changed."""
    before = snapshot(live)
    caplog.clear()
    with caplog.at_level(logging.INFO):
        resp = send()
    assert resp.status_code == status, (resp.status_code, resp.text)
    lines = warnings_of(caplog)
    assert len(lines) == 1, lines
    assert f"({status})" in lines[0] and why in lines[0], lines[0]
    assert snapshot(live) == before
    return resp


def app_text(sender, msgid, user, text, ts, corp=CORP_ID, agent=AGENT_ID):
    return sender.app_text_xml(msgid, user, text, corp, agent, ts)


# --- signatures and query parameters ---------------------------------------------------------------
def test_app_forged_and_empty_signatures_are_refused(svc, app_sender, caplog):
    params, body = app_sender.app_request(app_text(app_sender, "8001", "li.na", "统计", now_s(svc)), timestamp=now_s(svc))
    sig = params["msg_signature"]
    flipped = sig[:-1] + ("1" if sig[-1] != "1" else "2")
    for forged in ("0" * 40, flipped, sig[:-1], sig + "0", " "):
        bad = {**params, "msg_signature": forged}
        assert_refused(svc, caplog, lambda: svc.post("/wecom/callback", params=bad, data=body, headers=XML), 403,
                       "bad signature")


@pytest.mark.parametrize("path,method", [("/wecom/aibot", "post"), ("/wecom/callback", "post"),
                                         ("/wecom/aibot", "get"), ("/wecom/callback", "get")])
@pytest.mark.parametrize("drop", ["msg_signature", "timestamp", "nonce", "echostr"])
def test_missing_query_parameters_are_400(svc, aibot, path, method, drop, caplog):
    if drop == "echostr" and method == "post":
        pytest.skip("a POST carries no echostr")
    params = aibot.url_verification_query("x", timestamp=now_s(svc))
    params.pop(drop)
    if method == "post":
        params.pop("echostr", None)
        send = lambda: svc.post(path, params=params, data=b"<xml/>",  # noqa: E731
                                    headers={"Content-Type": "text/plain"})
    else:
        send = lambda: svc.get(path, params=params)  # noqa: E731
    assert_refused(svc, caplog, send, 400, drop)


def test_dingtalk_missing_headers_are_400(svc, caplog):
    body = json.dumps(dingtalk_text("d-h", "wang.fang", "cid-bszx", "统计", "")).encode()
    stamp = dingtalk_headers(DING_SECRET, int(svc.bot.clock.now().timestamp() * 1000))
    for headers in ({}, {"timestamp": stamp["timestamp"]}, {"sign": stamp["sign"]}):
        assert_refused(svc, caplog, lambda: svc.post("/dingtalk/callback", data=body, headers={**headers, **JSON}),
                       400, "missing")


def test_dingtalk_url_encoded_sign_is_refused(svc, caplog):
    # protocols.md: the callback sign is the plain base64; its %-encoded (push) form must not pass
    ms = int(svc.bot.clock.now().timestamp() * 1000)
    headers = dingtalk_headers(DING_SECRET, ms)
    headers["sign"] = headers["sign"].replace("+", "%2B").replace("/", "%2F").replace("=", "%3D")
    body = json.dumps(dingtalk_text("d-enc", "wang.fang", "cid-bszx", "统计", "")).encode()
    assert_refused(svc, caplog, lambda: svc.post("/dingtalk/callback", data=body, headers={**headers, **JSON}),
                   403, "bad sign")


# --- freshness and replay --------------------------------------------------------------------------
def test_replay_inside_window_gets_stored_answer_and_after_window_is_refused(svc, app_sender, clock, caplog):
    ts = now_s(svc)
    params, body = app_sender.app_request(app_text(app_sender, "8101", "zhang.wei", "后门鱼塘没有护栏", ts), timestamp=ts)
    first = svc.post("/wecom/callback", params=params, data=body, headers=XML)
    assert first.status_code == 200
    again = svc.post("/wecom/callback", params=params, data=body, headers=XML)   # a byte-identical retry
    assert again.status_code == 200
    assert app_sender.decrypt_xml_reply(again.content).split("<Content>")[1] == \
        app_sender.decrypt_xml_reply(first.content).split("<Content>")[1]
    with svc.bot.db.session() as s:
        assert s.scalar(select(func.count()).select_from(Issue)) == 1
    clock.advance(seconds=svc.bot.settings.security.timestamp_window_seconds + 1)
    assert_refused(svc, caplog, lambda: svc.post("/wecom/callback", params=params, data=body, headers=XML),
                   403, "timestamp")


def test_future_timestamps_are_refused_too(svc, aibot, caplog):
    ts = str(int(now_s(svc)) + 301)
    params, body = aibot.aibot_request(aibot.aibot_text("m-fut", "zhang.wei", "wr-yf1z", "围墙倒了"), timestamp=ts)
    assert_refused(svc, caplog, lambda: svc.post("/wecom/aibot", params=params, data=body, headers=JSON), 403,
                   "timestamp")


def test_window_is_configurable_for_every_channel(config_file, clock, aibot, caplog):
    with serve(config_file, clock, env={"BOT_SECURITY__TIMESTAMP_WINDOW_SECONDS": "30"}) as live:
        ts = str(int(now_s(live)) - 31)
        params, body = aibot.aibot_request(aibot.aibot_text("m-w", "zhang.wei", "wr-yf1z", "围墙倒了"), timestamp=ts)
        assert_refused(live, caplog, lambda: live.post("/wecom/aibot", params=params, data=body, headers=JSON),
                       403, "timestamp")
        ms = int(live.bot.clock.now().timestamp() * 1000) - 31_000
        ding = json.dumps(dingtalk_text("d-w", "wang.fang", "cid-bszx", "统计", "")).encode()
        assert_refused(live, caplog, lambda: live.post("/dingtalk/callback", data=ding,
                                                       headers={**dingtalk_headers(DING_SECRET, ms), **JSON}),
                       403, "timestamp")
        fresh = dingtalk_headers(DING_SECRET, ms + 2_000)
        assert live.post("/dingtalk/callback", data=ding, headers={**fresh, **JSON}).status_code == 200


def test_dingtalk_replay_after_window_is_refused(svc, clock, caplog):
    ms = int(svc.bot.clock.now().timestamp() * 1000)
    body = json.dumps(dingtalk_text("d-r", "wang.fang", "cid-bszx", "统计", "")).encode()
    headers = {**dingtalk_headers(DING_SECRET, ms), **JSON}
    assert svc.post("/dingtalk/callback", data=body, headers=headers).status_code == 200
    clock.advance(seconds=301)
    assert_refused(svc, caplog, lambda: svc.post("/dingtalk/callback", data=body, headers=headers), 403,
                   "timestamp")


# --- broken and hostile bodies ---------------------------------------------------------------------
@pytest.mark.parametrize("envelope", [BILLION_LAUGHS, EXTERNAL_ENTITY, EXTERNAL_DTD, "<xml><Encrypt>abc",
                                      "", "<xml></xml>", "<xml><Encrypt></Encrypt></xml>", "\x00\xff<xml>"])
def test_hostile_or_broken_outer_xml_is_400(svc, app_sender, envelope, caplog):
    ts = now_s(svc)
    params = {"msg_signature": app_sender.crypto.signature(ts, "1", "x"), "timestamp": ts, "nonce": "1"}
    started = time.perf_counter()
    assert_refused(svc, caplog, lambda: svc.post("/wecom/callback", params=params, data=envelope.encode("latin-1"),
                                                 headers=XML), 400, "bad request")
    assert time.perf_counter() - started < 2.0     # no entity expansion, no fetch


@pytest.mark.parametrize("inner", [BILLION_LAUGHS, EXTERNAL_ENTITY, EXTERNAL_DTD, "<xml><FromUserName>li.na",
                                   "not xml at all", "<xml><MsgType>text</MsgType></xml>"])
def test_hostile_or_broken_inner_xml_is_400(svc, app_sender, inner, caplog):
    """Correctly signed and encrypted, so only the inner parser stands between it and the database."""
    params, body = app_sender.app_request(inner, timestamp=now_s(svc))
    assert_refused(svc, caplog, lambda: svc.post("/wecom/callback", params=params, data=body, headers=XML), 400,
                   "bad request")


def test_truncated_ciphertext(svc, app_sender, aibot, caplog):
    ts = now_s(svc)
    enc = app_sender.crypto.encrypt(app_text(app_sender, "8201", "li.na", "统计", ts))
    for cut in (enc[:-4], enc[:-1], enc[:len(enc) // 2], enc[:22]):
        params = {"msg_signature": app_sender.crypto.signature(ts, "7", cut), "timestamp": ts, "nonce": "7"}
        body = f"<xml><Encrypt><![CDATA[{cut}]]></Encrypt></xml>".encode()
        assert_refused(svc, caplog, lambda: svc.post("/wecom/callback", params=params, data=body, headers=XML),
                       400, "bad request")
    # cut in transit (signature made over the whole): the signature fails first
    params = {"msg_signature": app_sender.crypto.signature(ts, "7", enc), "timestamp": ts, "nonce": "7"}
    body = f"<xml><Encrypt><![CDATA[{enc[:-8]}]]></Encrypt></xml>".encode()
    assert_refused(svc, caplog, lambda: svc.post("/wecom/callback", params=params, data=body, headers=XML), 403,
                   "bad signature")
    params, body = aibot.aibot_request(aibot.aibot_text("m-cut", "zhang.wei", "wr-yf1z", "围墙倒了"), timestamp=ts)
    assert_refused(svc, caplog, lambda: svc.post("/wecom/aibot", params=params, data=body[:-10], headers=JSON), 400,
                   "bad request")


@pytest.mark.parametrize("body", [b"{", b"[]", b'"encrypt"', b'{"encrypt": 5}', b'{"encrypt": ""}', b"\xff\xfe",
                                  b'{"encrypt": "' + b"A" * 64 + b'"', b"null"])
def test_malformed_aibot_json_is_refused(svc, aibot, body, caplog):
    params = aibot.url_verification_query("x", timestamp=now_s(svc))
    params.pop("echostr")
    assert_refused(svc, caplog, lambda: svc.post("/wecom/aibot", params=params, data=body, headers=JSON), 400,
                   "bad request")


@pytest.mark.parametrize("body", [b"{", b"[]", b"{}", b'{"msgId": 5}', b'{"msgId": "x"}', b"\xff"])
def test_malformed_dingtalk_json_is_400(svc, body, caplog):
    headers = {**dingtalk_headers(DING_SECRET, int(svc.bot.clock.now().timestamp() * 1000)), **JSON}
    assert_refused(svc, caplog, lambda: svc.post("/dingtalk/callback", data=body, headers=headers), 400,
                   "bad request")


# --- size and content type -------------------------------------------------------------------------
def _raw_post_declaring(live, path: str, length: int, first_bytes: bytes) -> bytes:
    """Declare a large body, send only its first bytes, and read the answer: the server must not wait."""
    host, port = live.url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=5) as sock:
        sock.sendall((f"POST {path}?msg_signature=a&timestamp=1&nonce=1 HTTP/1.1\r\nHost: {host}\r\n"
                      f"Content-Type: application/json\r\nContent-Length: {length}\r\n\r\n").encode() + first_bytes)
        answer = b""
        while b"\r\n\r\n" not in answer:
            chunk = sock.recv(4096)
            if not chunk:
                break
            answer += chunk
        return answer


@pytest.mark.parametrize("path", ["/wecom/aibot", "/wecom/callback", "/dingtalk/callback"])
def test_oversized_body_is_413_before_it_is_read(svc, path, caplog):
    limit = svc.bot.settings.security.max_body_bytes
    before = snapshot(svc)
    caplog.clear()
    with caplog.at_level(logging.INFO):
        started = time.perf_counter()
        answer = _raw_post_declaring(svc, path, limit + 1, b"{" * 100)
        elapsed = time.perf_counter() - started
    assert answer.startswith(b"HTTP/1.1 413") or answer.startswith(b"HTTP/1.0 413"), answer[:80]
    assert elapsed < 3.0       # answered without waiting for the 64 KiB that never come
    lines = warnings_of(caplog)
    assert len(lines) == 1 and "too large" in lines[0], lines
    assert snapshot(svc) == before


def test_oversized_body_sent_in_full_is_413(svc, aibot, caplog):
    params, _ = aibot.aibot_request(aibot.aibot_text("m-big", "zhang.wei", "wr-yf1z", "x"), timestamp=now_s(svc))
    big = b'{"encrypt": "' + b"A" * svc.bot.settings.security.max_body_bytes + b'"}'
    assert_refused(svc, caplog, lambda: svc.post("/wecom/aibot", params=params, data=big, headers=JSON), 413,
                   "too large")


def test_oversized_chunked_body_is_413(svc, aibot, caplog):
    params, _ = aibot.aibot_request(aibot.aibot_text("m-chunk", "zhang.wei", "wr-yf1z", "x"), timestamp=now_s(svc))
    limit = svc.bot.settings.security.max_body_bytes
    chunks = iter([b'{"encrypt": "'] + [b"A" * 8192] * (limit // 8192 + 1) + [b'"}'])   # no Content-Length
    assert_refused(svc, caplog, lambda: svc.post("/wecom/aibot", params=params, data=chunks, headers=JSON), 413,
                   "too large")


@pytest.mark.parametrize("path,ctype", [("/wecom/aibot", "application/x-www-form-urlencoded"),
                                        ("/wecom/aibot", "multipart/form-data; boundary=x"),
                                        ("/wecom/callback", "application/json"),
                                        ("/wecom/callback", "image/png"),
                                        ("/dingtalk/callback", "text/xml"),
                                        ("/dingtalk/callback", "text/plain")])
def test_wrong_content_type_is_415(svc, aibot, path, ctype, caplog):
    params = aibot.url_verification_query("x", timestamp=now_s(svc))
    params.pop("echostr")
    assert_refused(svc, caplog, lambda: svc.post(path, params=params, data=b"x=1", headers={"Content-Type": ctype}),
                   415, "content type")


# --- addressed to someone else ---------------------------------------------------------------------
def test_receive_id_of_another_corp_is_refused(svc, caplog):
    ts = now_s(svc)
    other = WeComSender(WECOM_TOKEN, WECOM_KEY, "wwOtherCorp0001")
    params, body = other.app_request(app_text(other, "8301", "li.na", "统计", ts), timestamp=ts)
    assert_refused(svc, caplog, lambda: svc.post("/wecom/callback", params=params, data=body, headers=XML), 403,
                   "another corp")
    # the 智能机器人's receive id is "": a message encrypted for a corp id is not for it
    corp_bot = WeComSender(AIBOT_TOKEN, AIBOT_KEY, CORP_ID)
    params, body = corp_bot.aibot_request(corp_bot.aibot_text("m-corp", "zhang.wei", "wr-yf1z", "围墙倒了"), timestamp=ts)
    assert_refused(svc, caplog, lambda: svc.post("/wecom/aibot", params=params, data=body, headers=JSON), 403,
                   "another corp")


def test_inner_message_for_another_corp_or_agent_is_refused(svc, app_sender, caplog):
    ts = now_s(svc)
    for xml, why in ((app_text(app_sender, "8401", "li.na", "统计", ts, corp="wwOtherCorp0001"), "corp id"),
                     (app_text(app_sender, "8402", "li.na", "统计", ts, agent="1000099"), "AgentID"),
                     (app_text(app_sender, "8403", "li.na", "统计", ts, agent=""), "AgentID")):
        params, body = app_sender.app_request(xml, timestamp=ts)
        assert_refused(svc, caplog, lambda: svc.post("/wecom/callback", params=params, data=body, headers=XML), 403,
                       why)


def test_unconfigured_channel_is_503_and_logged_once(config_file, clock, aibot, caplog):
    with serve(config_file, clock, env={"BOT_WECOM_AIBOT__TOKEN": ""}) as live:
        params, body = aibot.aibot_request(aibot.aibot_text("m-n", "zhang.wei", "wr-yf1z", "x"), timestamp=now_s(live))
        assert_refused(live, caplog, lambda: live.post("/wecom/aibot", params=params, data=body, headers=JSON), 503,
                       "not configured")


# --- property: validly signed odd XML at the self-built app callback ---------------------------------
xml_text = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=80)


@hsettings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(fields=st.dictionaries(st.sampled_from(["ToUserName", "FromUserName", "CreateTime", "MsgType", "Content",
                                               "MsgId", "AgentID", "Event"]), xml_text, max_size=8),
       raw=st.booleans())
def test_validly_signed_odd_app_xml_never_500(svc, app_sender, fields, raw):
    from xml.sax.saxutils import escape
    inner = "".join(f"<{k}>{v if raw else escape(v)}</{k}>" for k, v in fields.items())
    params, body = app_sender.app_request(f"<xml>{inner}</xml>", timestamp=now_s(svc))
    resp = svc.post("/wecom/callback", params=params, data=body, headers=XML)
    assert resp.status_code in (200, 400, 403), resp.status_code


# --- nobody acts as someone else through message content -----------------------------------------------
def _say(live, sender, msgid, user, text, chat):
    params, body = sender.aibot_request(sender.aibot_text(msgid, user, chat, text), timestamp=now_s(live))
    resp = live.post("/wecom/aibot", params=params, data=body, headers=JSON)
    assert resp.status_code == 200, resp.text
    return json.loads(sender.decrypt_json_reply(resp.content))["stream"]["content"]


def test_claiming_to_be_the_task_force_changes_nothing(svc, aibot):
    assert "#1" in _say(svc, aibot, "imp-1", "zhang.wei", "后门鱼塘没有护栏，学生放学常去玩", "wr-yf1z")
    _say(svc, aibot, "imp-2", "li.na", "销号 #1 已加装护栏，整改完成", "wr-yf1z")
    with svc.bot.db.session() as s:
        status_before = s.get(Issue, 1).status
        events_before = s.scalar(select(func.count()).select_from(IssueEvent))
    attempts = [("zhang.wei", "我是专班吴昊 确认销号 #1", "wr-yf1z"),
                ("zhang.wei", "wu.hao 同意销号 #1", "wr-zb"),
                ("zhang.wei", "@wu.hao 以专班身份 批准销号 #1 userid=wu.hao", "wr-zb"),
                ("stranger.x", "我是吴昊(wu.hao)，确认销号 #1", "wr-zb"),
                ("li.na", "代 吴昊 确认销号 #1", "wr-yf1z")]
    for i, (user, text, chat) in enumerate(attempts):
        _say(svc, aibot, f"imp-x{i}", user, text, chat)
    with svc.bot.db.session() as s:
        issue = s.get(Issue, 1)
        assert issue.status == status_before != "closed"
        events = s.scalars(select(IssueEvent).where(IssueEvent.issue_id == 1)).all()
        assert not [e for e in events if e.kind in ("approve", "close")]
        assert all(e.actor_id in ("zhang.wei", "li.na") for e in events)
        assert "wu.hao" not in {e.actor_id for e in events} and len(events) >= events_before


def test_every_change_is_recorded_with_its_real_author(svc, aibot):
    _say(svc, aibot, "hist-1", "zhang.wei", "食堂员工上班不戴口罩帽子", "wr-yf1z")
    _say(svc, aibot, "hist-2", "li.na", "进展 #1 已约谈食堂负责人", "wr-yf1z")
    _say(svc, aibot, "hist-3", "li.na", "销号 #1 已整改", "wr-yf1z")
    _say(svc, aibot, "hist-4", "wu.hao", "同意销号 #1", "wr-zb")
    with svc.bot.db.session() as s:
        events = s.scalars(select(IssueEvent).where(IssueEvent.issue_id == 1).order_by(IssueEvent.id)).all()
        assert [(e.kind, e.actor_id) for e in events][:1] == [("report", "zhang.wei")]
        assert ("close_request", "li.na") in [(e.kind, e.actor_id) for e in events]
        assert [e.actor_id for e in events if e.kind == "approve"] == ["wu.hao"]
        assert s.get(Issue, 1).status == "closed"
