"""The fake platform answers as WeCom and DingTalk do: success, each error code, the rate windows and the
DingTalk throttle, injected failures, unknown paths; and its request builders agree with our crypto."""
from __future__ import annotations

import json
import threading
import time

import pytest
import requests

from bot.channels.crypto import WeComCrypto, dingtalk_push_url, verify_dingtalk_callback
from tests.platform_sim import FakePushServer, WeComSender, dingtalk_headers, dingtalk_text

SECRET = "SECtest-secret"
T0 = 1_764_300_000.0       # 2025-11-28, any fixed instant will do


class Clock:
    def __init__(self, t: float = T0):
        self.t = t

    def __call__(self) -> float:
        return self.t


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def server(clock):
    with FakePushServer() as srv:
        srv.clock = clock
        srv.add_wecom_key("k1")
        srv.add_dingtalk_robot("tok", SECRET)
        yield srv
    assert srv.unexpected == []


def post(url: str, body, timeout: float = 3.0, **kw) -> dict:
    data = body if isinstance(body, (bytes, str)) else None
    resp = requests.post(url, json=None if data is not None else body, data=data, timeout=timeout, **kw)
    assert resp.status_code == 200, resp.text
    return resp.json()


def wecom(server, body, key="k1") -> dict:
    return post(f"{server.url}/cgi-bin/webhook/send?key={key}", body)


def ding(server, body, clock, token="tok", secret=SECRET, skew_ms=0, **kw) -> dict:
    url = dingtalk_push_url(f"{server.url}/robot/send?access_token={token}", secret, int(clock() * 1000) + skew_ms)
    return post(url, body, **kw)


def text(content: str) -> dict:
    return {"msgtype": "text", "text": {"content": content}}


def ding_md(text_: str = "围墙倒了") -> dict:
    return {"msgtype": "markdown", "markdown": {"title": "校园安全", "text": text_}}


# --- WeCom group robot ---------------------------------------------------------------------------------
def test_wecom_success_is_recorded_in_order(server):
    assert wecom(server, text("一")) == {"errcode": 0, "errmsg": "ok"}
    assert wecom(server, {"msgtype": "markdown", "markdown": {"content": "二"}})["errcode"] == 0
    assert [b.get("text", b.get("markdown"))["content"] for b in server.bodies("wecom", "k1")] == ["一", "二"]
    assert server.received()[0]["query"] == {"key": "k1"}


@pytest.mark.parametrize("body,code,start", [
    (text("字" * 683), 40058, "text.content exceed max length 2048. invalid Request Parameter, hint: ["),
    ({"msgtype": "markdown", "markdown": {"content": "a" * 4097}}, 40058,
     "markdown.content exceed max length 4096. invalid Request Parameter, hint: ["),
    (text(""), 44004, "empty content, hint: ["),
    ({"msgtype": "text"}, 44004, "empty content"),
    ({"msgtype": "video", "video": {}}, 40008, "invalid message type"),
    (b"{not json", 40058, "Warning: wrong json format."),
])
def test_wecom_errors(server, body, code, start):
    answer = wecom(server, body)
    assert answer["errcode"] == code and answer["errmsg"].startswith(start)
    assert answer["errmsg"].endswith(f"?e={code}")
    assert server.received() == [] and server.rejected[-1]["errcode"] == code


def test_wecom_limits_are_bytes_and_inclusive(server):
    assert wecom(server, text("字" * 682 + "ab"))["errcode"] == 0          # 2048 bytes exactly
    assert wecom(server, {"msgtype": "markdown", "markdown": {"content": "a" * 4096}})["errcode"] == 0


def test_wecom_unknown_key(server):
    answer = wecom(server, text("x"), key="nope")
    assert answer["errcode"] == 93000 and answer["errmsg"].startswith("invalid webhook url, hint: [")


def test_wecom_rate_window_is_per_key_and_slides(server, clock):
    server.add_wecom_key("k2")
    for i in range(20):
        assert wecom(server, text(f"{i}"))["errcode"] == 0
        clock.t += 1
    refused = wecom(server, text("21st"))
    assert refused["errcode"] == 45009 and refused["errmsg"].startswith("api freq out of limit, hint: [")
    assert wecom(server, text("other robot"), key="k2")["errcode"] == 0
    clock.t = T0 + 60.5          # the first send has left the window, the second has not
    assert wecom(server, text("again"))["errcode"] == 0
    assert wecom(server, text("still full"))["errcode"] == 45009
    assert len(server.received(key="k1")) == 21


def test_refused_sends_do_not_fill_the_window(server):
    for _ in range(30):
        wecom(server, text(""))
    assert wecom(server, text("ok"))["errcode"] == 0


# --- WeCom 智能机器人 response_url ----------------------------------------------------------------------
def test_response_url_is_usable_once(server):
    url = server.add_response_code()
    md = {"msgtype": "markdown", "markdown": {"content": "**已登记**"}}
    assert post(url, md)["errcode"] == 0
    assert post(url, md)["errcode"] == 40058
    assert server.bodies("wecom_aibot") == [md]


def test_response_url_expires_after_an_hour(server, clock):
    url = server.add_response_code()
    clock.t += 3601
    assert post(url, {"msgtype": "markdown", "markdown": {"content": "late"}})["errcode"] == 40058


def test_response_url_types(server):
    url = server.add_response_code()
    assert post(url, text("plain text is not allowed"))["errcode"] == 40008
    assert post(url, {"msgtype": "markdown", "markdown": {"content": ""}})["errcode"] == 44004
    card = {"msgtype": "template_card", "template_card": {"card_type": "text_notice"}}
    assert post(url, card)["errcode"] == 0          # refused attempts did not use the code up


# --- DingTalk custom robot -------------------------------------------------------------------------------
def test_dingtalk_signed_text_with_at_mobiles(server, clock):
    body = {"msgtype": "text", "text": {"content": "@13800001111 请整改"}, "at": {"atMobiles": ["13800001111"]}}
    assert ding(server, body, clock) == {"errcode": 0, "errmsg": "ok"}
    record = server.received("dingtalk", "tok")[0]
    assert record["body"] == body and record["query"]["timestamp"] == str(int(T0 * 1000))


def test_dingtalk_sign_errors(server, clock):
    assert ding(server, ding_md(), clock, secret="SECwrong") == {"errcode": 310000, "errmsg": "sign not match"}
    assert ding(server, ding_md(), clock, skew_ms=3_600_001) == {"errcode": 310000, "errmsg": "invalid timestamp"}
    assert ding(server, ding_md(), clock, skew_ms=-3_600_001)["errmsg"] == "invalid timestamp"
    assert ding(server, ding_md(), clock, skew_ms=-3_599_000)["errcode"] == 0
    bare = post(f"{server.url}/robot/send?access_token=tok", ding_md())
    assert bare == {"errcode": 310000, "errmsg": "invalid timestamp"}


def test_dingtalk_raw_plus_in_the_sign_does_not_match(server, clock):
    # Find a timestamp whose sign has a "+", then send it without URL-encoding: it arrives as a space.
    from bot.channels.crypto import dingtalk_callback_sign
    ms = next(m for m in range(int(T0 * 1000), int(T0 * 1000) + 200) if "+" in dingtalk_callback_sign(SECRET, m))
    raw_sign = dingtalk_callback_sign(SECRET, ms)
    answer = post(f"{server.url}/robot/send?access_token=tok&timestamp={ms}&sign={raw_sign}", ding_md())
    assert answer == {"errcode": 310000, "errmsg": "sign not match"}


def test_dingtalk_unknown_token(server, clock):
    assert ding(server, ding_md(), clock, token="ghost") == {"errcode": 300001, "errmsg": "token is not exist"}


@pytest.mark.parametrize("body,code", [
    ({"msgtype": "text", "text": {"content": "x" * 20001}}, 460101),
    ({"msgtype": "text"}, 40035),
    ({"msgtype": "markdown", "markdown": {"text": "no title"}}, 40035),
    ({"msgtype": "text", "text": {"content": "x"}, "at": {"atMobiles": "13800001111"}}, 40035),
    ({"text": {"content": "x"}}, 40035),
    (b"not json", 40035),
    ({"msgtype": "video", "video": {}}, 400105),
])
def test_dingtalk_body_errors(server, clock, body, code):
    kw = {"headers": {"Content-Type": "application/json"}} if isinstance(body, bytes) else {}
    assert ding(server, body, clock, **kw)["errcode"] == code
    assert server.received() == []


def test_dingtalk_messages_as_documented_errmsgs(server, clock):
    assert ding(server, {"msgtype": "text"}, clock)["errmsg"] == "缺少参数 json"
    assert ding(server, text("x" * 20001), clock)["errmsg"] == "message too long, exceed 20000 bytes"
    plain = ding(server, b'{"msgtype":"text","text":{"content":"x"}}', clock, headers={"Content-Type": "text/plain"})
    assert plain == {"errcode": 43004, "errmsg": "无效的HTTP HEADER Content-Type"}


def test_dingtalk_rate_limit_then_ten_minute_throttle(server, clock):
    for _ in range(20):
        assert ding(server, ding_md(), clock)["errcode"] == 0
    assert ding(server, ding_md(), clock) == {"errcode": 130101, "errmsg": "send too fast, exceed 20 times per minute"}
    clock.t += 61                          # the minute has passed, the throttle has not
    assert ding(server, ding_md(), clock)["errcode"] == 130101
    clock.t = T0 + 600 + 1
    assert ding(server, ding_md(), clock)["errcode"] == 0
    assert len(server.received("dingtalk")) == 21


def test_dingtalk_newer_rate_errcodes_are_configurable(clock):
    with FakePushServer(dingtalk_rate_errcode=410100, dingtalk_throttle_errcode=410100) as srv:
        srv.clock = clock
        srv.add_dingtalk_robot("tok", SECRET)
        codes = [ding(srv, ding_md(), clock)["errcode"] for _ in range(22)]
    assert codes == [0] * 20 + [410100, 410100]


def test_dingtalk_session_webhook(server, clock):
    url = server.add_dingtalk_session(valid_s=60)
    assert post(url, ding_md("已登记")) == {"errcode": 0, "errmsg": "ok"}
    assert server.bodies("dingtalk_session") == [ding_md("已登记")]
    assert post(f"{server.url}/robot/sendBySession?session=ghost", ding_md())["errcode"] == 300001
    clock.t += 61
    assert post(url, ding_md())["errcode"] == 300001


# --- failure injection ------------------------------------------------------------------------------------
def test_fail_next_then_recover(server):
    server.fail_next(2, status=502)
    url = f"{server.url}/cgi-bin/webhook/send?key=k1"
    assert [requests.post(url, json=text("x"), timeout=3).status_code for _ in range(3)] == [502, 502, 200]
    assert len(server.received()) == 1


def test_set_errcode_next(server):
    server.set_errcode_next(1, -1, "system busy")
    assert wecom(server, text("x")) == {"errcode": -1, "errmsg": "system busy"}
    assert wecom(server, text("x"))["errcode"] == 0


def test_hang_next_times_the_client_out_and_is_not_delivered(server):
    server.hang_next(1, 1.0)
    with pytest.raises(requests.Timeout):
        requests.post(f"{server.url}/cgi-bin/webhook/send?key=k1", json=text("x"), timeout=0.2)
    assert wecom(server, text("after"))["errcode"] == 0     # served while the first request still hangs
    assert server.bodies() == [text("after")]


def test_hang_then_deliver_lands_after_the_client_gave_up(server):
    server.hang_next(1, 0.4, then="deliver")
    with pytest.raises(requests.Timeout):
        requests.post(f"{server.url}/cgi-bin/webhook/send?key=k1", json=text("late"), timeout=0.1)
    assert server.wait_for(1, timeout=3)[0]["body"] == text("late")


def test_hangs_are_bounded_and_released_by_stop():
    srv = FakePushServer().start()
    srv.add_wecom_key("k1")
    srv.hang_next(1, 3600)
    started = time.monotonic()
    worker = threading.Thread(target=lambda: _swallow(lambda: wecom(srv, text("x"))))
    worker.start()
    time.sleep(0.2)
    srv.stop()
    worker.join(timeout=5)
    assert not worker.is_alive() and time.monotonic() - started < 5


def _swallow(fn):
    try:
        fn()
    except (AssertionError, requests.RequestException):
        pass


def test_down_answers_503_and_up_restores(server):
    server.down()
    resp = requests.post(f"{server.url}/cgi-bin/webhook/send?key=k1", json=text("x"), timeout=3)
    assert resp.status_code == 503
    server.up()
    assert wecom(server, text("x"))["errcode"] == 0


def test_down_refusing_connections_then_up_on_the_same_url(server):
    url = server.url
    server.down(refuse=True)
    with pytest.raises(requests.ConnectionError):
        requests.post(f"{url}/cgi-bin/webhook/send?key=k1", json=text("x"), timeout=3)
    server.up()
    assert server.url == url and wecom(server, text("x"))["errcode"] == 0


def test_wait_for_wakes_on_arrival_and_times_out_loudly(server):
    threading.Timer(0.05, lambda: wecom(server, text("x"))).start()
    assert len(server.wait_for(1, timeout=3, platform="wecom")) == 1
    with pytest.raises(AssertionError, match="expected 2 pushes"):
        server.wait_for(2, timeout=0.05)


def test_unknown_path_and_method_are_404_and_recorded(server):
    assert requests.get(f"{server.url}/nope?x=1", timeout=3).status_code == 404
    assert requests.get(f"{server.url}/cgi-bin/webhook/send?key=k1", timeout=3).status_code == 404
    assert server.unexpected == ["GET /nope?x=1", "GET /cgi-bin/webhook/send?key=k1"]
    server.unexpected.clear()


def test_binds_loopback_only(server):
    assert server.url.startswith("http://127.0.0.1:")


# --- request builders agree with the bot's crypto ------------------------------------------------------------
KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"


def test_aibot_request_is_a_signed_json_envelope():
    sender = WeComSender("tok", KEY, "")
    payload = sender.aibot_text("m1", "zhang.wei", "wr-1", "@机器人 围墙倒了")
    params, body = sender.aibot_request(payload, timestamp="1700000000", nonce="42")
    assert set(json.loads(body)) == {"encrypt"} and params["timestamp"] == "1700000000"
    plain = WeComCrypto("tok", KEY, "").decrypt_json_envelope(params["msg_signature"], "1700000000", "42", body)
    assert json.loads(plain) == payload and payload["chatid"] == "wr-1" and payload["from"] == {"userid": "zhang.wei"}
    assert "chatid" not in sender.aibot_text("m2", "u", "wr-1", "hi", chattype="single")


def test_app_request_and_url_verification():
    sender = WeComSender("tok", KEY, "wwcorp")
    ours = WeComCrypto("tok", KEY, "wwcorp")
    xml = sender.app_text_xml("7001", "li.na", "帮助", "wwcorp", "1000002", 1700000000)
    params, body = sender.app_request(xml, timestamp="1700000000", nonce="9")
    assert b"<ToUserName><![CDATA[wwcorp]]></ToUserName>" in body and b"<AgentID>" in body
    assert ours.decrypt_xml_envelope(params["msg_signature"], "1700000000", "9", body).decode() == xml
    q = sender.url_verification_query("echo-1", timestamp="1700000000", nonce="8")
    assert ours.verify_url(q["msg_signature"], q["timestamp"], q["nonce"], q["echostr"]) == "echo-1"


def test_reply_decoders_check_the_reply_signature():
    sender, bot = WeComSender("tok", KEY, ""), WeComCrypto("tok", KEY, "")
    reply = bot.encrypt_json_reply('{"msgtype":"stream"}', "1700000000", "5")
    assert sender.decrypt_json_reply(reply.encode()) == '{"msgtype":"stream"}'
    forged = json.loads(reply) | {"nonce": "6"}
    with pytest.raises(Exception):
        sender.decrypt_json_reply(json.dumps(forged).encode())
    xml = bot.encrypt_xml_reply("<xml>ok</xml>", "1700000000", "5")
    assert sender.decrypt_xml_reply(xml.encode()) == "<xml>ok</xml>"


def test_dingtalk_callback_builders():
    headers = dingtalk_headers("appsecret", 1_700_000_000_000)
    verify_dingtalk_callback("appsecret", headers["timestamp"], headers["sign"], now_ms=1_700_000_000_000)
    msg = dingtalk_text("d1", "wang.fang", "cid-1", "统计", "https://oapi.dingtalk.com/robot/sendBySession?session=s",
                        now_ms=1_700_000_000_000)
    assert msg["text"]["content"] == " 统计" and msg["senderStaffId"] == "wang.fang"
    assert msg["conversationType"] == "2" and msg["sessionWebhookExpiredTime"] == 1_700_005_400_000
    assert "conversationTitle" not in dingtalk_text("d2", "u", "c", "x", "", conversation_type="1")
