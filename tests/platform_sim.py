"""The platforms, as seen from this machine: requests built exactly as WeCom and DingTalk send them,
and a fake push server on 127.0.0.1 that answers with their real success and error bodies.
Facts and sources: /work/shared/protocols.md; choices no source settles are marked "sim choice"."""
from __future__ import annotations

import json
import secrets
import threading
import time
import uuid
from collections import defaultdict, deque
from urllib.parse import parse_qs

from defusedxml import ElementTree
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from bot.channels.crypto import WeComCrypto, dingtalk_callback_sign

AIBOT_RESPONSE_URL = "https://qyapi.weixin.qq.com/cgi-bin/aibot/response?response_code=rc"


# --- requests the platforms send --------------------------------------------------------------------
class WeComSender:
    """Builds WeCom callbacks: 智能机器人 JSON (receive id "") and self-built app XML (CorpID)."""

    def __init__(self, token: str, aes_key: str, receive_id: str):
        self.crypto = WeComCrypto(token, aes_key, receive_id)

    @staticmethod
    def _stamp(timestamp, nonce) -> tuple[str, str]:
        ts = int(time.time()) if timestamp is None else timestamp
        return str(ts), str(nonce if nonce is not None else secrets.randbelow(10 ** 10))

    def _signed(self, plain: str, timestamp, nonce) -> tuple[dict, str]:
        ts, nonce = self._stamp(timestamp, nonce)
        enc = self.crypto.encrypt(plain)
        return {"msg_signature": self.crypto.signature(ts, nonce, enc), "timestamp": ts, "nonce": nonce}, enc

    def url_verification_query(self, echo_plain: str, timestamp=None, nonce=None) -> dict:
        """The GET the console sends on 保存; pass it as `params=` so + / = get URL-encoded."""
        params, echostr = self._signed(echo_plain, timestamp, nonce)
        return {**params, "echostr": echostr}

    def aibot_request(self, payload: dict, timestamp=None, nonce=None) -> tuple[dict, bytes]:
        params, enc = self._signed(json.dumps(payload, ensure_ascii=False), timestamp, nonce)
        return params, json.dumps({"encrypt": enc}).encode()

    def app_request(self, xml_plain: str, timestamp=None, nonce=None, agent_id="1000002") -> tuple[dict, bytes]:
        params, enc = self._signed(xml_plain, timestamp, nonce)
        body = (f"<xml><ToUserName><![CDATA[{self.crypto.receive_id}]]></ToUserName>"
                f"<Encrypt><![CDATA[{enc}]]></Encrypt><AgentID><![CDATA[{agent_id}]]></AgentID></xml>")
        return params, body.encode()

    @staticmethod
    def aibot_text(msgid, userid, chatid, content, chattype="group", response_url=AIBOT_RESPONSE_URL,
                   aibotid="aib-test") -> dict:
        """智能机器人 text callback (WW-AIBOT-100719); in groups `content` carries the @mention."""
        msg = {"msgid": msgid, "aibotid": aibotid, "chattype": chattype, "from": {"userid": userid},
               "response_url": response_url, "msgtype": "text", "text": {"content": content}}
        if chattype == "group":
            msg["chatid"] = chatid
        return msg

    @staticmethod
    def aibot_image(msgid, userid, url, aibotid="aib-test") -> dict:
        """智能机器人 image callback: one-to-one chats only, `image.url` (WW-AIBOT-100719)."""
        return {"msgid": msgid, "aibotid": aibotid, "chattype": "single", "from": {"userid": userid},
                "response_url": AIBOT_RESPONSE_URL, "msgtype": "image", "image": {"url": url}}

    @staticmethod
    def aibot_mixed(msgid, userid, chatid, text, url, aibotid="aib-test") -> dict:
        """智能机器人 图文混排 callback: `mixed.msg_item[]` of text and image items."""
        return {"msgid": msgid, "aibotid": aibotid, "chattype": "group", "chatid": chatid, "from": {"userid": userid},
                "response_url": AIBOT_RESPONSE_URL, "msgtype": "mixed",
                "mixed": {"msg_item": [{"msgtype": "text", "text": {"content": text}},
                                       {"msgtype": "image", "image": {"url": url}}]}}

    @staticmethod
    def app_image_xml(msgid, from_user, pic_url, media_id, corp_id, agent_id, create_time) -> str:
        """Self-built app image message, the decrypted inner XML (WW 90239: PicUrl, MediaId)."""
        return (f"<xml><ToUserName><![CDATA[{corp_id}]]></ToUserName>"
                f"<FromUserName><![CDATA[{from_user}]]></FromUserName><CreateTime>{create_time}</CreateTime>"
                f"<MsgType><![CDATA[image]]></MsgType><PicUrl><![CDATA[{pic_url}]]></PicUrl>"
                f"<MediaId><![CDATA[{media_id}]]></MediaId><MsgId>{msgid}</MsgId><AgentID>{agent_id}</AgentID></xml>")

    @staticmethod
    def app_text_xml(msgid, from_user, content, corp_id, agent_id, create_time) -> str:
        """Self-built app text message, the decrypted inner XML (WW 90239)."""
        return (f"<xml><ToUserName><![CDATA[{corp_id}]]></ToUserName>"
                f"<FromUserName><![CDATA[{from_user}]]></FromUserName><CreateTime>{create_time}</CreateTime>"
                f"<MsgType><![CDATA[text]]></MsgType><Content><![CDATA[{content}]]></Content>"
                f"<MsgId>{msgid}</MsgId><AgentID>{agent_id}</AgentID></xml>")

    def decrypt_json_reply(self, body: bytes) -> str:
        """Checks the passive reply's own signature, as WeCom would, and returns the plaintext."""
        data = json.loads(body)
        self.crypto.verify(data["msgsignature"], str(data["timestamp"]), str(data["nonce"]), data["encrypt"])
        return self.crypto.decrypt(data["encrypt"]).decode()

    def decrypt_xml_reply(self, body: bytes) -> str:
        root = ElementTree.fromstring(body)
        enc = root.findtext("Encrypt")
        self.crypto.verify(root.findtext("MsgSignature"), root.findtext("TimeStamp"), root.findtext("Nonce"), enc)
        return self.crypto.decrypt(enc).decode()


def dingtalk_headers(app_secret: str, now_ms: int) -> dict:
    """The `timestamp` and `sign` headers of a DingTalk robot callback (DT-recv)."""
    return {"timestamp": str(now_ms), "sign": dingtalk_callback_sign(app_secret, str(now_ms))}


def dingtalk_text(msg_id, staff_id, conversation_id, content, session_webhook, conversation_type="2",
                  now_ms: int | None = None) -> dict:
    """A DingTalk robot text callback body; the stripped @mention leaves a leading space (DT-recv)."""
    now = int(time.time() * 1000) if now_ms is None else now_ms
    msg = {"msgtype": "text", "text": {"content": f" {content}"}, "msgId": msg_id, "createAt": now,
           "conversationType": conversation_type, "conversationId": conversation_id,
           "senderId": f"$:LWCP_v1:${staff_id}", "senderNick": staff_id, "senderStaffId": staff_id,
           "senderCorpId": "ding-corp", "isAdmin": False, "chatbotCorpId": "ding-corp",
           "chatbotUserId": "$:LWCP_v1:$bot", "isInAtList": True, "atUsers": [{"dingtalkId": "$:LWCP_v1:$bot"}],
           "sessionWebhook": session_webhook, "sessionWebhookExpiredTime": now + 5_400_000}
    if conversation_type == "2":
        msg["conversationTitle"] = "测试群"
    return msg


# --- what the push APIs answer ---------------------------------------------------------------------------
WECOM_HINT = (", hint: [1690000000_1_abcdef], from ip: 127.0.0.1, "
              "more info at https://open.work.weixin.qq.com/devtool/query?e={}")
WINDOW_S = 60.0
PER_MINUTE = 20                 # both platforms: 20 messages per minute per robot
DING_LIMIT_BYTES = 20000
MAX_HANG_S = 30.0               # hang_next is bounded so a forgotten hang cannot stall a suite
WECOM_LIMITS = {"text": 2048, "markdown": 4096, "markdown_v2": 4096}
WECOM_OTHER_TYPES = {"image", "news", "file", "voice", "template_card"}
DING_FIELDS = {"text": ("content",), "markdown": ("title", "text"), "link": ("title", "text", "messageUrl"),
               "actionCard": ("title", "text"), "feedCard": ("links",)}


def wecom_error(code: int, text: str) -> dict:
    return {"errcode": code, "errmsg": text + WECOM_HINT.format(code)}


def ding_error(code: int, text: str) -> dict:
    return {"errcode": code, "errmsg": text}


OK = {"errcode": 0, "errmsg": "ok"}


def wecom_webhook_error(body: dict | None) -> dict | None:
    """The answer WeCom's group robot gives a malformed message, or None when it is acceptable."""
    if body is None:    # sim choice: no source shows the platform's answer to broken JSON
        return wecom_error(40058, "Warning: wrong json format.")
    msgtype = body.get("msgtype")
    if msgtype in WECOM_OTHER_TYPES:
        return None
    if msgtype not in WECOM_LIMITS:
        return wecom_error(40008, "invalid message type")
    return _wecom_content_error(msgtype, body.get(msgtype))


def _wecom_content_error(msgtype: str, section) -> dict | None:
    content = section.get("content") if isinstance(section, dict) else None
    if not isinstance(content, str) or not content:
        return wecom_error(44004, "empty content")
    limit = WECOM_LIMITS[msgtype]
    if len(content.encode("utf-8")) > limit:
        return wecom_error(40058, f"{msgtype}.content exceed max length {limit}. invalid Request Parameter")
    return None


def aibot_response_error(body: dict | None) -> dict | None:
    """response_url takes markdown or template_card only (WW-AIBOT-101138)."""
    msgtype = (body or {}).get("msgtype")
    if msgtype == "markdown":
        content = (body.get("markdown") or {}).get("content") if isinstance(body.get("markdown"), dict) else None
        return None if isinstance(content, str) and content else wecom_error(44004, "empty content")
    if msgtype == "template_card":
        return None if isinstance(body.get("template_card"), dict) and body["template_card"] else \
            wecom_error(40058, "template_card invalid Request Parameter")      # sim choice
    return wecom_error(40008, "invalid message type")


def dingtalk_body_error(raw: bytes, content_type: str) -> dict | None:
    """The answer DingTalk's robot APIs give a malformed message, or None when it is acceptable."""
    if len(raw) > DING_LIMIT_BYTES:
        return ding_error(460101, "message too long, exceed 20000 bytes")
    if not content_type.lower().startswith("application/json"):
        return ding_error(43004, "无效的HTTP HEADER Content-Type")
    body = parse_json(raw)
    if body is None or not isinstance(body.get("msgtype"), str):
        return ding_error(40035, "缺少参数 json")
    if body["msgtype"] not in DING_FIELDS:
        return ding_error(400105, "不支持的消息类型")
    return _ding_fields_error(body)


def _ding_fields_error(body: dict) -> dict | None:
    section = body.get(body["msgtype"])
    fields = DING_FIELDS[body["msgtype"]]
    if not isinstance(section, dict) or not all(section.get(f) for f in fields):
        return ding_error(40035, "缺少参数 json")      # sim choice: a known msgtype with a missing field
    return None if _ding_at_ok(body.get("at")) else ding_error(40035, "缺少参数 json")


def _ding_at_ok(at) -> bool:
    if at is None:
        return True
    if not isinstance(at, dict):
        return False
    lists_ok = all(isinstance(at.get(k, []), list) and all(isinstance(v, str) for v in at.get(k, []))
                   for k in ("atMobiles", "atUserIds"))
    return lists_ok and isinstance(at.get("isAtAll", False), bool)


def parse_json(raw: bytes) -> dict | None:
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError):
        return None
    return data if isinstance(data, dict) else None


# --- rate limits -----------------------------------------------------------------------------------------
class RateWindow:
    """Sliding 60-second windows per robot; refused sends do not count (sim choice). Not thread-safe on
    its own: the server calls it under its lock."""

    def __init__(self, limit: int = PER_MINUTE, window_s: float = WINDOW_S):
        self.limit, self.window_s = limit, window_s
        self._sends: dict[str, deque] = defaultdict(deque)
        self._throttled_until: dict[str, float] = {}

    def allow(self, key: str, now: float) -> bool:
        sends = self._sends[key]
        while sends and sends[0] <= now - self.window_s:
            sends.popleft()
        if len(sends) >= self.limit:
            return False
        sends.append(now)
        return True

    def throttle(self, key: str, until: float) -> None:
        self._throttled_until[key] = until

    def throttled(self, key: str, now: float) -> bool:
        return self._throttled_until.get(key, float("-inf")) > now


# --- the fake push server ----------------------------------------------------------------------------------
class FakePushServer:
    """WeCom group robots, the 智能机器人 response_url, DingTalk custom robots and sessionWebhooks, on a
    random 127.0.0.1 port. Errors are HTTP 200 + {"errcode", "errmsg"} as both platforms answer.
    Accepted messages are in `received()`, refused ones in `rejected`; an unknown path or method is
    answered 404 and recorded in `unexpected` so a test can assert it stays empty."""

    def __init__(self, dingtalk_rate_errcode: int = 130101, dingtalk_throttle_errcode: int | None = None,
                 dingtalk_throttle_s: float = 600.0):
        self.clock = time.time                       # seconds; tests replace it to drive the windows
        self.dingtalk_rate_errcode = dingtalk_rate_errcode      # 130101 observed live, 410100 in the new doc
        self.dingtalk_throttle_errcode = dingtalk_throttle_errcode or dingtalk_rate_errcode
        self.dingtalk_throttle_s = dingtalk_throttle_s
        self.wecom_keys: set[str] = set()
        self.ding_robots: dict[str, str] = {}
        self.ding_sessions: dict[str, float] = {}     # session -> expiry (clock seconds)
        self.response_codes: dict[str, float] = {}    # response_code -> expiry
        self.unexpected: list[str] = []
        self.rejected: list[dict] = []
        self.url = ""
        self._received: list[dict] = []
        self._rates = RateWindow()
        self._inject: deque = deque()
        self._mode = "up"                             # "up" | "503" | "refuse"
        self._cond = threading.Condition()
        self._release = threading.Event()            # set on stop(): hung requests return at once
        self._server = None
        self._running = False
        self._port = 0

    # --- life ----------------------------------------------------------------------------------------
    def start(self) -> "FakePushServer":
        self._release.clear()
        self._serve()
        return self

    def _serve(self) -> None:
        self._server = make_server("127.0.0.1", self._port, self._app, threaded=True)
        self._port = self._server.server_port
        self.url = f"http://127.0.0.1:{self._port}"
        self._running = True
        server = self._server     # shutdown() waits up to one poll interval: keep it short
        threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, name="fake-push",
                         daemon=True).start()

    def _close(self) -> None:
        # Idempotent, and `_server` stays set: some tests close its socket again after stop().
        if self._running:
            self._running = False
            self._server.shutdown()
            self._server.server_close()

    def stop(self) -> None:
        self._release.set()
        self._close()

    def __enter__(self) -> "FakePushServer":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # --- set-up by tests -------------------------------------------------------------------------------
    def add_wecom_key(self, key: str) -> str:
        self.wecom_keys.add(key)
        return f"{self.url}/cgi-bin/webhook/send?key={key}"

    def add_dingtalk_robot(self, token: str, secret: str) -> str:
        self.ding_robots[token] = secret
        return f"{self.url}/robot/send?access_token={token}"

    def add_dingtalk_session(self, valid_s: float = 5400.0) -> str:
        session = uuid.uuid4().hex
        self.ding_sessions[session] = self.clock() + valid_s
        return f"{self.url}/robot/sendBySession?session={session}"

    def add_response_code(self, valid_s: float = 3600.0) -> str:
        code = uuid.uuid4().hex
        self.response_codes[code] = self.clock() + valid_s
        return f"{self.url}/cgi-bin/aibot/response?response_code={code}"

    # --- failure injection (consumed in arrival order by the next requests, on any path) ----------------
    def fail_next(self, n: int, status: int = 500) -> None:
        self._inject.extend([("status", status)] * n)

    def hang_next(self, n: int, seconds: float, then: str = "fail") -> None:
        """Hold the next n requests (at most MAX_HANG_S). then="fail" answers 504 afterwards;
        then="deliver" processes the request late, like a platform that accepted it after the
        client gave up."""
        if then not in ("fail", "deliver"):
            raise ValueError("then must be 'fail' or 'deliver'")
        self._inject.extend([("hang", (min(seconds, MAX_HANG_S), then))] * n)

    def set_errcode_next(self, n: int, errcode: int, errmsg: str) -> None:
        self._inject.extend([("errcode", (errcode, errmsg))] * n)

    def down(self, refuse: bool = False) -> None:
        """503 to everything, or with refuse=True close the socket so connections are refused."""
        self._mode = "refuse" if refuse else "503"
        if refuse:
            self._close()

    def up(self) -> None:
        if self._mode == "refuse":
            self._serve()          # the same port again: the clients' configured URLs stay valid
        self._mode = "up"

    # --- what tests read back ----------------------------------------------------------------------------
    def received(self, platform: str | None = None, key: str | None = None) -> list[dict]:
        """Accepted messages in arrival order: {"platform", "key", "body", "query", "at"}."""
        with self._cond:
            return [r for r in self._received if _matches(r, platform, key)]

    def bodies(self, platform: str | None = None, key: str | None = None) -> list[dict]:
        return [r["body"] for r in self.received(platform, key)]

    def wait_for(self, count: int, timeout: float = 5.0, platform: str | None = None,
                 key: str | None = None) -> list[dict]:
        """Block until at least `count` matching messages were accepted; AssertionError on timeout."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while len(matched := [r for r in self._received if _matches(r, platform, key)]) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"expected {count} pushes ({platform}, {key}), got {len(matched)}: "
                                         f"{matched}; rejected: {self.rejected}; unexpected: {self.unexpected}")
                self._cond.wait(left)
            return matched

    # --- the HTTP side ------------------------------------------------------------------------------------
    @Request.application
    def _app(self, request: Request) -> Response:
        if self._mode != "up":
            return Response("service unavailable", status=503)
        injected = self._inject.popleft() if self._inject else None
        if injected is not None:
            early = self._injected(*injected)
            if early is not None:
                return early
        return self._route(request)

    def _injected(self, kind: str, value) -> Response | None:
        if kind == "status":
            return Response("internal error", status=value)
        if kind == "errcode":
            return _json({"errcode": value[0], "errmsg": value[1]})
        seconds, then = value
        self._release.wait(seconds)
        return Response("gateway timeout", status=504) if then == "fail" else None

    def _route(self, request: Request) -> Response:
        routes = {"/cgi-bin/webhook/send": self._wecom, "/robot/send": self._ding_robot,
                  "/robot/sendBySession": self._ding_session, "/cgi-bin/aibot/response": self._aibot_response}
        handler = routes.get(request.path)
        if handler is None or request.method != "POST":
            with self._cond:
                self.unexpected.append(f"{request.method} {request.full_path}")
            return Response("not found", status=404)
        # parse_qs turns a raw "+" into a space, exactly the mistake that breaks an unencoded sign
        query = {k: v[0] for k, v in parse_qs(request.query_string.decode("latin-1")).items()}
        return handler(request, query)

    def _accept(self, platform: str, key: str, body: dict, query: dict) -> Response:
        with self._cond:
            self._received.append({"platform": platform, "key": key, "body": body, "query": query,
                                   "at": self.clock()})
            self._cond.notify_all()
        return _json(OK)

    def _refuse(self, platform: str, key: str, error: dict) -> Response:
        with self._cond:
            self.rejected.append({"platform": platform, "key": key, **error})
        return _json(error)

    # --- WeCom ------------------------------------------------------------------------------------------
    def _wecom(self, request: Request, q: dict) -> Response:
        key = q.get("key", "")
        if key not in self.wecom_keys:
            return self._refuse("wecom", key, wecom_error(93000, "invalid webhook url"))
        body = parse_json(request.get_data())
        error = wecom_webhook_error(body)
        if error is None and not self._allow(f"wecom:{key}"):
            error = wecom_error(45009, "api freq out of limit")
        return self._refuse("wecom", key, error) if error else self._accept("wecom", key, body, q)

    def _allow(self, key: str) -> bool:
        with self._cond:
            return self._rates.allow(key, self.clock())

    def _aibot_response(self, request: Request, q: dict) -> Response:
        code = q.get("response_code", "")
        body = parse_json(request.get_data())
        error = aibot_response_error(body)
        with self._cond:   # usable once: two racing posts must not both get through
            expiry = self.response_codes.get(code)
            if error is None and (expiry is None or expiry < self.clock()):
                error = wecom_error(40058, "invalid response_code")     # sim choice: reused or expired
            if error is None:
                del self.response_codes[code]
        return self._refuse("wecom_aibot", code, error) if error else self._accept("wecom_aibot", code, body, q)

    # --- DingTalk -----------------------------------------------------------------------------------------
    def _ding_robot(self, request: Request, q: dict) -> Response:
        token = q.get("access_token", "")
        error = self._ding_sign_error(token, q) or dingtalk_body_error(request.get_data(), request.content_type or "")
        error = error or self._ding_rate_error(token)
        if error:
            return self._refuse("dingtalk", token, error)
        return self._accept("dingtalk", token, parse_json(request.get_data()), q)

    def _ding_sign_error(self, token: str, q: dict) -> dict | None:
        if token not in self.ding_robots:
            return ding_error(300001, "token is not exist")
        stamp = q.get("timestamp", "")
        if not stamp.isascii() or not stamp.isdigit() or abs(self.clock() * 1000 - int(stamp)) > 3_600_000:
            return ding_error(310000, "invalid timestamp")
        expected = dingtalk_callback_sign(self.ding_robots[token], stamp)   # the same HMAC, before URL-encoding
        given = q.get("sign", "").encode("utf-8")
        return None if secrets.compare_digest(expected.encode(), given) else ding_error(310000, "sign not match")

    def _ding_rate_error(self, token: str) -> dict | None:
        now, key = self.clock(), f"ding:{token}"
        with self._cond:
            if self._rates.throttled(key, now):
                return ding_error(self.dingtalk_throttle_errcode, "send too fast, exceed 20 times per minute")
            if self._rates.allow(key, now):
                return None
            self._rates.throttle(key, now + self.dingtalk_throttle_s)   # "超过20条，会限流10分钟"
        return ding_error(self.dingtalk_rate_errcode, "send too fast, exceed 20 times per minute")

    def _ding_session(self, request: Request, q: dict) -> Response:
        session = q.get("session", "")
        expiry = self.ding_sessions.get(session)
        if expiry is None or expiry < self.clock():
            return self._refuse("dingtalk_session", session, ding_error(300001, "token is not exist"))  # sim choice
        error = dingtalk_body_error(request.get_data(), request.content_type or "")
        if error:
            return self._refuse("dingtalk_session", session, error)
        return self._accept("dingtalk_session", session, parse_json(request.get_data()), q)


def _matches(record: dict, platform: str | None, key: str | None) -> bool:
    return (platform is None or record["platform"] == platform) and (key is None or record["key"] == key)


def _json(data: dict) -> Response:
    return Response(json.dumps(data, ensure_ascii=False), mimetype="application/json")
