"""HTTP endpoints. Each runs the same fixed chain before anything else: size and type checks,
signature and freshness, decryption, then dedupe inside the conversation. Handlers never see any of it."""
from __future__ import annotations

import contextlib
import logging
import secrets
import threading

from flask import Flask, Response, request
from sqlalchemy.exc import DBAPIError, IntegrityError
from werkzeug.exceptions import RequestEntityTooLarge

from bot.channels import dingtalk, wecom
from bot.channels.crypto import (CryptoError, ReceiveIdError, SignatureError, StaleRequestError, WeComCrypto,
                                 verify_dingtalk_callback)
from bot.messages import Reply, malformed
from bot.push.outbox import enqueue

log = logging.getLogger("bot.channels")

DINGTALK_MAX_SKEW = 3600   # DingTalk itself refuses timestamps more than an hour off
JSON_TYPES = ("application/json", "text/json", "text/plain", "")
XML_TYPES = ("text/xml", "application/xml", "text/plain", "")
WELCOME = "您好，我是校园安全整治助手。发现安全隐患直接描述发给我即可，发“帮助”查看用法。"
UNSUPPORTED = "暂时只能处理文字和照片。请用文字描述隐患；登记后30分钟内把现场照片单独发给我，会附到那条隐患上。"


def _refuse(status: int, why: str, channel: str) -> Response:
    # Logged once per refused request, without secrets or message content.
    log.warning("%s refused (%d): %s from %s", channel, status, why, request.remote_addr)
    return Response(why, status=status, mimetype="text/plain")


def _content_type_ok(allowed: tuple[str, ...]) -> bool:
    return (request.mimetype or "") in allowed


def _too_large(limit: int) -> bool:
    """Judged on the declared Content-Length, before a byte of the body is read."""
    return request.content_length is not None and request.content_length > limit


def _body(limit: int) -> bytes | None:
    """The body, or None when it turns out larger than allowed (a chunked body declares no length).

    Read in pieces: a de-chunking stream hands out one chunk per read, so one read is not the body."""
    parts, size = [], 0
    try:
        while size <= limit:
            piece = request.stream.read(min(65536, limit + 1 - size))
            if not piece:
                return b"".join(parts)
            parts.append(piece)
            size += len(piece)
    except RequestEntityTooLarge:
        pass
    return None


def _missing(q, names: tuple[str, ...]) -> str:
    return ", ".join(n for n in names if not q.get(n))


def _unavailable(channel: str, exc: Exception) -> Response:
    # The database is away (restart, fail-over) or a concurrent write collided: a non-200 makes the
    # platform retry the same message, and nothing was committed, so the retry is handled as if it
    # were the first delivery.
    why = "write conflict" if isinstance(exc, IntegrityError) else "database unavailable"
    log.warning("%s refused (503): %s (%s) from %s", channel, why, type(exc).__name__, request.remote_addr)
    return Response("temporarily unavailable", status=503, mimetype="text/plain", headers={"Retry-After": "5"})


def _fresh(timestamp: str, now: float, window: int) -> bool:
    try:
        return abs(now - int(timestamp)) <= window
    except (TypeError, ValueError):
        return False


SIGNED_QUERY = ("msg_signature", "timestamp", "nonce")


def register_channels(app: Flask, bot) -> None:
    settings = bot.settings
    window = settings.security.timestamp_window_seconds
    limit = settings.security.max_body_bytes
    # SQLite has one writer and every session begins IMMEDIATE: threads of this process would otherwise
    # wait in SQLite's busy handler, which sleeps up to 100 ms between tries (p99 over a second under
    # load). Queued on a lock they are handed the database the moment it is free. PostgreSQL needs none.
    turn = threading.Lock() if bot.db.is_sqlite else contextlib.nullcontext()
    aibot = _crypto(settings.wecom_aibot.token, settings.wecom_aibot.encoding_aes_key, "")
    wecom_app = _crypto(settings.wecom.token, settings.wecom.encoding_aes_key, settings.wecom.corp_id)

    def wecom_gate(crypto: WeComCrypto | None, channel: str, types: tuple[str, ...]) -> Response | None:
        """The checks every WeCom request passes, cheapest first: size, type, query, freshness."""
        if crypto is None:
            return _refuse(503, f"{channel} is not configured", channel)
        if request.method == "POST":
            if _too_large(limit):
                return _refuse(413, "body too large", channel)
            if not _content_type_ok(types):
                return _refuse(415, "unsupported content type", channel)
        needed = SIGNED_QUERY + (("echostr",) if request.method == "GET" else ())
        missing = _missing(request.args, needed)
        if missing:
            return _refuse(400, f"missing query parameter: {missing}", channel)
        if not _fresh(request.args["timestamp"], bot.clock.now().timestamp(), window):
            return _refuse(403, "stale or bad timestamp", channel)
        return None

    @app.get("/healthz")
    def healthz():
        return {"ok": True}

    def wecom_open(crypto: WeComCrypto | None, channel: str, types: tuple[str, ...], decrypt, parse):
        """A WeCom request through the whole chain: (inbound message, timestamp, nonce), or the
        Response that ends it here (a refusal, or the answer to URL verification)."""
        refused = wecom_gate(crypto, channel, types)
        if refused is not None:
            return refused
        q = request.args
        sig, ts, nonce = q["msg_signature"], q["timestamp"], q["nonce"]
        if request.method == "GET":
            return _verify_url(crypto, sig, ts, nonce, q["echostr"], channel)
        body = _body(limit)
        if body is None:
            return _refuse(413, "body too large", channel)
        try:
            inbound = parse(decrypt(crypto, sig, ts, nonce, body), bot.clock.now())
        except (SignatureError, ReceiveIdError) as exc:
            return _refuse(403, _why(exc), channel)
        except (CryptoError, wecom.BadMessage, ValueError) as exc:
            return _refuse(400, f"bad request: {type(exc).__name__}", channel)
        why = malformed(inbound.message) if inbound.kind == "message" and inbound.message else ""
        if why:
            return _refuse(400, f"bad request: {why}", channel)
        return inbound, ts, nonce

    def in_turn(channel: str, answer):
        """Run the conversation (one writer at a time on SQLite); a database outage is a 503 to retry."""
        try:
            with turn:
                return answer()
        except DBAPIError as exc:
            return _unavailable(channel, exc)

    # --- WeCom 智能机器人 (group @-mentions), JSON --------------------------------------------
    @app.route("/wecom/aibot", methods=["GET", "POST"])
    def wecom_aibot():
        opened = wecom_open(aibot, "aibot", JSON_TYPES, WeComCrypto.decrypt_json_envelope, wecom.parse_aibot)
        if isinstance(opened, Response):
            return opened
        inbound, ts, nonce = opened
        answer = in_turn("aibot", lambda: _aibot_answer(bot, inbound))
        if isinstance(answer, Response):
            return answer
        if answer is None:
            return Response("", status=200)
        return Response(aibot.encrypt_json_reply(answer, ts, nonce), mimetype="application/json")

    # --- WeCom self-built app (one-to-one), XML ----------------------------------------------
    @app.route("/wecom/callback", methods=["GET", "POST"])
    def wecom_callback():
        opened = wecom_open(wecom_app, "wecom", XML_TYPES, WeComCrypto.decrypt_xml_envelope, wecom.parse_app)
        if isinstance(opened, Response):
            return opened
        inbound, ts, nonce = opened
        stranger = _stranger(inbound, settings.wecom)
        if stranger:
            return _refuse(403, stranger, "wecom")
        if inbound.kind == "event":
            return Response("", status=200)
        reply = in_turn("wecom", lambda: Reply(UNSUPPORTED) if inbound.kind == "unsupported"
                        else bot.conversation.handle(inbound.message))
        if isinstance(reply, Response):
            return reply
        xml = wecom.app_text_reply(reply, inbound.message.sender_id, settings.wecom.corp_id)
        return Response(wecom_app.encrypt_xml_reply(xml, ts, nonce), mimetype="application/xml")

    # --- DingTalk enterprise robot, HTTP mode ----------------------------------------------------
    @app.post("/dingtalk/callback")
    def dingtalk_callback():
        secret = settings.dingtalk.app_secret
        if not secret:
            return _refuse(503, "dingtalk is not configured", "dingtalk")
        if _too_large(limit):
            return _refuse(413, "body too large", "dingtalk")
        if not _content_type_ok(("application/json",)):
            return _refuse(415, "unsupported content type", "dingtalk")
        ts, sign = request.headers.get("timestamp", ""), request.headers.get("sign", "")
        if not ts or not sign:
            return _refuse(400, "missing timestamp or sign header", "dingtalk")
        try:
            verify_dingtalk_callback(secret, ts, sign, int(bot.clock.now().timestamp() * 1000),
                                     window_ms=min(window, DINGTALK_MAX_SKEW) * 1000)
        except StaleRequestError:
            return _refuse(403, "stale or bad timestamp", "dingtalk")
        except CryptoError:
            return _refuse(403, "bad sign", "dingtalk")
        body = _body(limit)
        if body is None:
            return _refuse(413, "body too large", "dingtalk")
        try:
            inbound = dingtalk.parse(body, bot.clock.now())
        except (dingtalk.BadMessage, ValueError) as exc:
            return _refuse(400, f"bad request: {type(exc).__name__}", "dingtalk")
        why = malformed(inbound.message)
        if why:
            return _refuse(400, f"bad request: {why}", "dingtalk")
        failed = in_turn("dingtalk", lambda: _dingtalk_answer(bot, inbound))
        return failed if isinstance(failed, Response) else {"msgtype": "empty"}


def _why(exc: CryptoError) -> str:
    return "receive id of another corp" if isinstance(exc, ReceiveIdError) else "bad signature"


def _stranger(inbound: wecom.AppInbound, conf) -> str:
    """Authenticated, but addressed to another app or corp: refuse rather than answer for them."""
    if conf.agent_id and inbound.agent_id != str(conf.agent_id):
        return "unknown AgentID"
    if conf.corp_id and inbound.corp_id and inbound.corp_id != conf.corp_id:
        return "unknown corp id"
    return ""


def _dingtalk_answer(bot, inbound: dingtalk.DingInbound) -> None:
    reply = bot.conversation.handle(inbound.message) if inbound.supported else Reply(UNSUPPORTED)
    if not inbound.session_webhook:
        return
    # DingTalk documents answering through the sessionWebhook; the outbox key makes it once only.
    with bot.db.session() as s:
        enqueue(s, key=f"dingtalk:reply:{inbound.message.msg_id}", platform="dingtalk",
                url=inbound.session_webhook, payload=dingtalk.reply_payload(reply), now=bot.clock.now(),
                kind="reply", urgent=True)
    bot.wake.set()


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
