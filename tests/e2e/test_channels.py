"""Real HTTP on 127.0.0.1: requests signed and encrypted as WeCom and DingTalk send them, encrypted
replies checked, pushes received by the fake platform server."""
from __future__ import annotations

import json
import time

import pytest
from sqlalchemy import func, select

from bot.models import InboundMessage, Issue, OutboxMessage
from tests.conftest import (AGENT_ID, AIBOT_KEY, AIBOT_TOKEN, CORP_ID, DING_SECRET, WECOM_KEY, WECOM_TOKEN)


@pytest.fixture
def aibot():
    from tests.platform_sim import WeComSender
    return WeComSender(AIBOT_TOKEN, AIBOT_KEY, "")


@pytest.fixture
def wecom_app():
    from tests.platform_sim import WeComSender
    return WeComSender(WECOM_TOKEN, WECOM_KEY, CORP_ID)


def ts(live) -> str:
    return str(int(live.bot.clock.now().timestamp()))


def say_aibot(live, aibot, msgid, user, text, chat="wr-yf1z"):
    from tests.platform_sim import WeComSender  # noqa: F401
    payload = aibot.aibot_text(msgid, user, chat, text)
    params, body = aibot.aibot_request(payload, timestamp=ts(live))
    resp = live.post("/wecom/aibot", params=params, data=body, headers={"Content-Type": "application/json"})
    assert resp.status_code == 200, resp.text
    reply = json.loads(aibot.decrypt_json_reply(resp.content))
    assert reply["msgtype"] == "stream" and reply["stream"]["finish"] is True
    return reply["stream"]["content"]


def count(live, model, *where) -> int:
    with live.bot.db.session() as s:
        return s.scalar(select(func.count()).select_from(model).where(*where))


# --- WeCom 智能机器人 -------------------------------------------------------------------------------
def test_aibot_url_verification_echoes_plaintext_fast(live, aibot):
    params = aibot.url_verification_query("echo-5612", timestamp=ts(live))
    started = time.perf_counter()
    resp = live.get("/wecom/aibot", params=params)
    assert resp.status_code == 200 and resp.text == "echo-5612"
    assert time.perf_counter() - started < 1.0


def test_aibot_report_in_group_answers_with_issue_and_pushes_notice(live, aibot, platform):
    content = say_aibot(live, aibot, "m-1", "zhang.wei", "@校园安全助手 后门鱼塘没有护栏，学生放学常去玩")
    assert "#1" in content and "防溺水" in content and "鱼峰区第一中学" in content
    assert "整改时限" in content
    platform.wait_for(2, timeout=10)
    bodies = platform.received(platform="wecom")
    assert {b["key"] for b in bodies} >= {"sample-key-yf1z", "sample-key-jyj"}
    school_push = next(b for b in bodies if b["key"] == "sample-key-yf1z")["body"]
    assert school_push["msgtype"] == "markdown"
    assert "#1" in school_push["markdown"]["content"] and "<@li.na>" in school_push["markdown"]["content"]
    assert platform.unexpected == []


def test_aibot_retry_gets_same_answer_and_creates_nothing(live, aibot):
    first = say_aibot(live, aibot, "m-dup", "zhang.wei", "食堂员工上班不戴口罩帽子")
    second = say_aibot(live, aibot, "m-dup", "zhang.wei", "食堂员工上班不戴口罩帽子")
    assert first == second
    assert count(live, Issue) == 1
    assert count(live, InboundMessage) == 1


def test_aibot_forged_signature_is_refused_and_changes_nothing(live, aibot):
    payload = aibot.aibot_text("m-forged", "zhang.wei", "wr-yf1z", "围墙倒了")
    params, body = aibot.aibot_request(payload, timestamp=ts(live))
    params["msg_signature"] = "0" * 40
    resp = live.post("/wecom/aibot", params=params, data=body, headers={"Content-Type": "application/json"})
    assert resp.status_code == 403
    assert count(live, InboundMessage) == 0 and count(live, Issue) == 0


def test_aibot_stale_timestamp_is_refused(live, aibot):
    payload = aibot.aibot_text("m-old", "zhang.wei", "wr-yf1z", "围墙倒了")
    params, body = aibot.aibot_request(payload, timestamp=str(int(live.bot.clock.now().timestamp()) - 3600))
    resp = live.post("/wecom/aibot", params=params, data=body, headers={"Content-Type": "application/json"})
    assert resp.status_code == 403
    assert count(live, InboundMessage) == 0


def test_aibot_asks_for_school_once_then_takes_the_answer(live, aibot):
    # 吴昊 is 专班 (区教育局): no school of their own, and the 专班 group has none either
    asked = say_aibot(live, aibot, "m-q1", "wu.hao", "校门口的红绿灯坏了半个月了", chat="wr-zb")
    assert "哪所学校" in asked and count(live, Issue) == 0
    done = say_aibot(live, aibot, "m-q2", "wu.hao", "箭盘山小学", chat="wr-zb")
    assert "#1" in done and "箭盘山小学" in done
    with live.bot.db.session() as s:
        issue = s.get(Issue, 1)
        assert issue.school == "箭盘山小学" and issue.area == 4


# --- WeCom self-built app (XML) ------------------------------------------------------------------
def test_app_url_verification(live, wecom_app):
    params = wecom_app.url_verification_query("hello-app", timestamp=ts(live))
    resp = live.get("/wecom/callback", params=params)
    assert resp.status_code == 200 and resp.text == "hello-app"


def test_app_text_message_gets_encrypted_xml_reply(live, wecom_app):
    xml = wecom_app.app_text_xml("7001", "li.na", "帮助", CORP_ID, AGENT_ID, int(ts(live)))
    params, body = wecom_app.app_request(xml, timestamp=ts(live))
    resp = live.post("/wecom/callback", params=params, data=body, headers={"Content-Type": "text/xml"})
    assert resp.status_code == 200
    reply_xml = wecom_app.decrypt_xml_reply(resp.content)
    assert "<MsgType><![CDATA[text]]></MsgType>" in reply_xml and "销号" in reply_xml
    assert "<ToUserName><![CDATA[li.na]]></ToUserName>" in reply_xml


def _aibot_post(live, aibot, payload) -> str:
    params, body = aibot.aibot_request(payload, timestamp=ts(live))
    resp = live.post("/wecom/aibot", params=params, data=body, headers={"Content-Type": "application/json"})
    assert resp.status_code == 200, resp.text
    return json.loads(aibot.decrypt_json_reply(resp.content))["stream"]["content"]


def _photos(live) -> list[tuple[int, str]]:
    from bot.models import IssueEvent
    with live.bot.db.session() as s:
        return s.execute(select(IssueEvent.issue_id, IssueEvent.text).where(IssueEvent.kind == "photo")
                         .order_by(IssueEvent.id)).all()


def test_photos_reach_the_issue_through_both_wecom_channels(live, aibot, wecom_app):
    # a photo alone in the 智能机器人's one-to-one chat, after a report there
    say_aibot(live, aibot, "ph-1", "zhang.wei", "后门鱼塘没有护栏，学生放学常去玩", chat="")
    reply = _aibot_post(live, aibot, aibot.aibot_image("ph-2", "zhang.wei", "https://wework.example/enc/p1"))
    assert "照片已附到隐患 #1" in reply
    # words and a photo in one 图文混排 message in a group: the report carries its photo
    reply = _aibot_post(live, aibot, aibot.aibot_mixed("ph-3", "li.na", "wr-yf1z", "@助手 食堂留样柜坏了",
                                                       "https://wework.example/enc/p2"))
    assert "#2" in reply and "照片已附上" in reply
    # a photo to the self-built app (PicUrl) after a progress note there
    xml = wecom_app.app_text_xml("8001", "li.na", "进展 #2 已报修", CORP_ID, AGENT_ID, int(ts(live)))
    params, body = wecom_app.app_request(xml, timestamp=ts(live))
    resp = live.post("/wecom/callback", params=params, data=body, headers={"Content-Type": "text/xml"})
    assert "已记录 #2 的进展" in wecom_app.decrypt_xml_reply(resp.content)
    xml = wecom_app.app_image_xml("8002", "li.na", "https://wework.example/pic/p3", "MEDIA3", CORP_ID, AGENT_ID,
                                  int(ts(live)))
    params, body = wecom_app.app_request(xml, timestamp=ts(live))
    resp = live.post("/wecom/callback", params=params, data=body, headers={"Content-Type": "text/xml"})
    assert resp.status_code == 200 and "照片已附到隐患 #2" in wecom_app.decrypt_xml_reply(resp.content)
    assert _photos(live) == [(1, "https://wework.example/enc/p1"), (2, "https://wework.example/enc/p2"),
                             (2, "https://wework.example/pic/p3")]


def test_other_media_get_a_clear_answer_and_change_nothing(live, aibot):
    payload = {"msgid": "f-1", "aibotid": "aib-test", "chattype": "single", "from": {"userid": "zhang.wei"},
               "msgtype": "file", "file": {"url": "https://wework.example/enc/f1"}}
    assert "文字和照片" in _aibot_post(live, aibot, payload)
    assert count(live, Issue) == 0 and _photos(live) == []


def test_app_wrong_agent_is_refused(live, wecom_app):
    xml = wecom_app.app_text_xml("7002", "li.na", "帮助", CORP_ID, "999", int(ts(live)))
    params, body = wecom_app.app_request(xml, timestamp=ts(live), agent_id="999")
    resp = live.post("/wecom/callback", params=params, data=body, headers={"Content-Type": "text/xml"})
    assert resp.status_code == 403
    assert count(live, InboundMessage) == 0


# --- DingTalk ----------------------------------------------------------------------------------------
def _ding(live, platform, msg_id, staff, text, conversation="cid-bszx"):
    from tests.platform_sim import dingtalk_headers, dingtalk_text
    session_url = platform.add_dingtalk_session()
    body = dingtalk_text(msg_id, staff, conversation, text, session_url.replace(platform.url, "https://oapi.dingtalk.com"))
    headers = dingtalk_headers(DING_SECRET, int(live.bot.clock.now().timestamp() * 1000))
    return live.post("/dingtalk/callback", data=json.dumps(body, ensure_ascii=False).encode(),
                     headers={**headers, "Content-Type": "application/json"})


def test_dingtalk_report_answers_through_session_webhook(live, platform):
    resp = _ding(live, platform, "ding-1", "wang.fang", "学校保安都是临时从村里请的，没有保安员证")
    assert resp.status_code == 200
    platform.wait_for(1, timeout=10, platform="dingtalk_session")
    reply = platform.received(platform="dingtalk_session")[0]["body"]
    assert reply["msgtype"] == "markdown" and "#1" in reply["markdown"]["text"]
    assert "白沙镇中学" in reply["markdown"]["text"]


def test_dingtalk_retry_answers_once(live, platform):
    for _ in range(2):
        assert _ding(live, platform, "ding-dup", "wang.fang", "统计").status_code == 200
    platform.wait_for(1, timeout=10, platform="dingtalk_session")
    time.sleep(0.3)
    assert len(platform.received(platform="dingtalk_session")) == 1
    assert count(live, OutboxMessage, OutboxMessage.kind == "reply") == 1


def test_dingtalk_bad_sign_is_refused(live):
    from tests.platform_sim import dingtalk_text
    body = dingtalk_text("ding-x", "wang.fang", "cid-bszx", "统计", "https://oapi.dingtalk.com/robot/sendBySession?session=x")
    headers = {"timestamp": str(int(live.bot.clock.now().timestamp() * 1000)), "sign": "forged=",
               "Content-Type": "application/json"}
    resp = live.post("/dingtalk/callback", data=json.dumps(body).encode(), headers=headers)
    assert resp.status_code == 403
    assert count(live, InboundMessage) == 0


def test_push_to_dingtalk_group_is_signed(live, aibot, platform):
    # an issue for 白沙镇中学 notifies its DingTalk group through the signed custom-robot webhook
    say_aibot(live, aibot, "m-bs", "wu.hao", "上报 白沙中学 两个村的学生在学校打群架", chat="wr-zb")
    platform.wait_for(1, timeout=10, platform="dingtalk")
    push = platform.received(platform="dingtalk")[0]
    assert push["key"] == "sample-token-bszx"
    assert "13800000004" in push["body"]["at"]["atMobiles"]      # 刘洋, the school's leader


def test_failed_push_stays_in_outbox(live, aibot, platform):
    platform.set_errcode_next(10, 93000, "invalid webhook url, hint: [x]")
    say_aibot(live, aibot, "m-f", "zhang.wei", "后门鱼塘没有护栏")
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and count(live, OutboxMessage, OutboxMessage.status == "failed") < 2:
        time.sleep(0.05)
    with live.bot.db.session() as s:
        failed = s.scalars(select(OutboxMessage).where(OutboxMessage.status == "failed")).all()
        assert len(failed) == 2 and all("93000" in r.last_error for r in failed)


def test_dingtalk_session_webhook_elsewhere_is_ignored(live, platform):
    from tests.platform_sim import dingtalk_headers, dingtalk_text
    body = dingtalk_text("ding-evil", "wang.fang", "cid-bszx", "统计", "https://evil.example/robot/sendBySession?session=x")
    headers = dingtalk_headers(DING_SECRET, int(live.bot.clock.now().timestamp() * 1000))
    resp = live.post("/dingtalk/callback", data=json.dumps(body).encode(), headers={**headers, "Content-Type": "application/json"})
    assert resp.status_code == 200
    assert count(live, OutboxMessage, OutboxMessage.kind == "reply") == 0
