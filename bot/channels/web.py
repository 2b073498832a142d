"""HTTP endpoints. Each runs the same fixed chain before anything else: size and type checks,
signature and freshness, decryption, then dedupe inside the conversation. Handlers never see any of it."""
from __future__ import annotations

import logging
import secrets
import time

from flask import Flask, Response, request

from bot.channels import dingtalk, wecom
from bot.channels.crypto import (CryptoError, SignatureError, WeComCrypto, verify_dingtalk_callback)
from bot.messages import Reply
from bot.push.outbox import enqueue

log = logging.getLogger("bot.channels")

JSON_TYPES = ("application/json", "text/json", "text/plain", "")
XML_TYPES = ("text/xml", "application/xml", "text/plain", "")
WELCOME = "您好，我是校园安全整治助手。发现安全隐患直接描述发给我即可，发“帮助”查看用法。"
UNSUPPORTED = "暂时只能处理文字消息。请用文字描述隐患（图片请在描述后另行发到群里）。"


def _refuse(status: int, why: str, channel: str) -> Response:
    # Logged once per refused request, without secrets or message content.
    log.warning("%s refused (%d): %s from %s", channel, status, why, request.remote_addr)
    return Response(why, status=status, mimetype="text/plain")


def _content_type_ok(allowed: tuple[str, ...]) -> bool:
    return (request.mimetype or "") in allowed


def _fresh(timestamp: str, now: float, window: int) -> bool:
    try:
        return abs(now - int(timestamp)) <= window
    except (TypeError, ValueError):
        return False


def register_channels(app: Flask, bot) -> None:
    settings = bot.settings
    window = settings.security.timestamp_window_seconds
    aibot = _crypto(settings.wecom_aibot.token, settings.wecom_aibot.encoding_aes_key, "")
    wecom_app = _crypto(settings.wecom.token, settings.wecom.encoding_aes_key, settings.wecom.corp_id)

    @app.get("/healthz")
    def healthz():
        return {"ok": True}

    # --- WeCom 智能机器人 (group @-mentions), JSON --------------------------------------------
    @app.route("/wecom/aibot", methods=["GET", "POST"])
    def wecom_aibot():
        if aibot is None:
            return _refuse(503, "wecom_aibot is not configured", "aibot")
        q = request.args
        sig, ts, nonce = q.get("msg_signature", ""), q.get("timestamp", ""), q.get("nonce", "")
        if not _fresh(ts, bot.clock.now().timestamp(), window):
            return _refuse(403, "stale or missing timestamp", "aibot")
        if request.method == "GET":
            return _verify_url(aibot, sig, ts, nonce, q.get("echostr", ""), "aibot")
        if not _content_type_ok(JSON_TYPES):
            return _refuse(415, "expected JSON", "aibot")
        try:
            plain = aibot.decrypt_json_envelope(sig, ts, nonce, request.get_data())
            inbound = wecom.parse_aibot(plain, bot.clock.now())
        except SignatureError:
            return _refuse(403, "bad signature", "aibot")
        except (CryptoError, wecom.BadMessage, ValueError) as exc:
            return _refuse(400, f"bad request: {type(exc).__name__}", "aibot")
        answer = _aibot_answer(bot, inbound)
        if answer is None:
            return Response("", status=200)
        return Response(aibot.encrypt_json_reply(answer, ts, nonce), mimetype="application/json")

    # --- WeCom self-built app (one-to-one), XML ----------------------------------------------
    @app.route("/wecom/callback", methods=["GET", "POST"])
    def wecom_callback():
        if wecom_app is None:
            return _refuse(503, "wecom app is not configured", "wecom")
        q = request.args
        sig, ts, nonce = q.get("msg_signature", ""), q.get("timestamp", ""), q.get("nonce", "")
        if not _fresh(ts, bot.clock.now().timestamp(), window):
            return _refuse(403, "stale or missing timestamp", "wecom")
        if request.method == "GET":
            return _verify_url(wecom_app, sig, ts, nonce, q.get("echostr", ""), "wecom")
        if not _content_type_ok(XML_TYPES):
            return _refuse(415, "expected XML", "wecom")
        try:
            plain = wecom_app.decrypt_xml_envelope(sig, ts, nonce, request.get_data())
            inbound = wecom.parse_app(plain, bot.clock.now())
        except SignatureError:
            return _refuse(403, "bad signature", "wecom")
        except (CryptoError, wecom.BadMessage, ValueError) as exc:
            return _refuse(400, f"bad request: {type(exc).__name__}", "wecom")
        if settings.wecom.agent_id and inbound.agent_id and inbound.agent_id != str(settings.wecom.agent_id):
            return _refuse(403, "unknown AgentID", "wecom")
        if inbound.kind == "event":
            return Response("", status=200)
        reply = Reply(UNSUPPORTED) if inbound.kind == "unsupported" else bot.conversation.handle(inbound.message)
        xml = wecom.app_text_reply(reply, inbound.message.sender_id, settings.wecom.corp_id)
        return Response(wecom_app.encrypt_xml_reply(xml, ts, nonce), mimetype="application/xml")

    # --- DingTalk enterprise robot, HTTP mode ----------------------------------------------------
    @app.post("/dingtalk/callback")
    def dingtalk_callback():
        secret = settings.dingtalk.app_secret
        if not secret:
            return _refuse(503, "dingtalk is not configured", "dingtalk")
        if not _content_type_ok(("application/json",)):
            return _refuse(415, "expected JSON", "dingtalk")
        ts, sign = request.headers.get("timestamp", ""), request.headers.get("sign", "")
        try:
            verify_dingtalk_callback(secret, ts, sign, int(bot.clock.now().timestamp() * 1000))
            inbound = dingtalk.parse(request.get_data(), bot.clock.now())
        except SignatureError:
            return _refuse(403, "bad sign", "dingtalk")
        except CryptoError:
            return _refuse(403, "stale or missing timestamp", "dingtalk")
        except (dingtalk.BadMessage, ValueError) as exc:
            return _refuse(400, f"bad request: {type(exc).__name__}", "dingtalk")
        reply = bot.conversation.handle(inbound.message) if inbound.supported else Reply(UNSUPPORTED)
        if inbound.session_webhook:
            # DingTalk documents answering through the sessionWebhook; the outbox key makes it once only.
            with bot.db.session() as s:
                enqueue(s, key=f"dingtalk:reply:{inbound.message.msg_id}", platform="dingtalk",
                        url=inbound.session_webhook, payload=dingtalk.reply_payload(reply), now=bot.clock.now(),
                        kind="reply", urgent=True)
            bot.wake.set()
        return {"msgtype": "empty"}


def _crypto(token: str, key: str, receive_id: str) -> WeComCrypto | None:
    if not token or not key:
        return None
    return WeComCrypto(token, key, receive_id)


def _verify_url(crypto: WeComCrypto, sig: str, ts: str, nonce: str, echostr: str, channel: str) -> Response:
    try:
        plain = crypto.verify_url(sig, ts, nonce, echostr)
    except SignatureError:
        return _refuse(403, "bad signature", channel)
    except CryptoError:
        return _refuse(400, "bad echostr", channel)
    return Response(plain, status=200, mimetype="text/plain")


def _aibot_answer(bot, inbound: wecom.AibotInbound) -> str | None:
    if inbound.kind == "event":
        return wecom.aibot_welcome(WELCOME) if inbound.event == "enter_chat" else None
    if inbound.kind == "stream_refresh":
        # We always finish the stream in the first answer; a late refresh gets the stored answer again.
        reply = bot.conversation.stored_reply("wecom", inbound.stream_id)
        return wecom.aibot_stream(reply or Reply("已回复。"), inbound.stream_id)
    if inbound.kind == "unsupported":
        return wecom.aibot_stream(Reply(UNSUPPORTED), secrets.token_hex(8))
    reply = bot.conversation.handle(inbound.message)
    return wecom.aibot_stream(reply, inbound.message.msg_id)
