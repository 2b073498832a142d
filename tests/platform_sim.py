"""The platforms, as seen from this machine: requests built exactly as WeCom and DingTalk send them,
and a fake push server on 127.0.0.1 that answers with their real success and error bodies."""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import threading
import time
import uuid
from collections import defaultdict, deque
from urllib.parse import parse_qs, urlsplit

from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from bot.channels.crypto import WeComCrypto, dingtalk_callback_sign


# --- requests the platforms send --------------------------------------------------------------------
class WeComSender:
    """Builds WeCom callbacks (智能机器人 JSON with receive id "", self-built app XML)."""

    def __init__(self, token: str, aes_key: str, receive_id: str):
        self.crypto = WeComCrypto(token, aes_key, receive_id)

    def _stamp(self, timestamp, nonce):
        return str(timestamp or int(time.time())), str(nonce or secrets.randbelow(10 ** 10))

    def url_verification_query(self, echo_plain: str, timestamp=None, nonce=None) -> dict:
        ts, nonce = self._stamp(timestamp, nonce)
        echostr = self.crypto.encrypt(echo_plain)
        return {"msg_signature": self.crypto.signature(ts, nonce, echostr), "timestamp": ts, "nonce": nonce,
                "echostr": echostr}

    def aibot_request(self, payload: dict, timestamp=None, nonce=None) -> tuple[dict, bytes]:
        ts, nonce = self._stamp(timestamp, nonce)
        enc = self.crypto.encrypt(json.dumps(payload, ensure_ascii=False))
        params = {"msg_signature": self.crypto.signature(ts, nonce, enc), "timestamp": ts, "nonce": nonce}
        return params, json.dumps({"encrypt": enc}).encode()

    def app_request(self, xml_plain: str, timestamp=None, nonce=None, agent_id="1000002") -> tuple[dict, bytes]:
        ts, nonce = self._stamp(timestamp, nonce)
        enc = self.crypto.encrypt(xml_plain)
        body = (f"<xml><ToUserName><![CDATA[{self.crypto.receive_id}]]></ToUserName>"
                f"<Encrypt><![CDATA[{enc}]]></Encrypt><AgentID><![CDATA[{agent_id}]]></AgentID></xml>")
        params = {"msg_signature": self.crypto.signature(ts, nonce, enc), "timestamp": ts, "nonce": nonce}
        return params, body.encode()

    @staticmethod
    def aibot_text(msgid, userid, chatid, content, chattype="group",
                   response_url="https://qyapi.weixin.qq.com/cgi-bin/aibot/response?response_code=rc") -> dict:
        msg = {"msgid": msgid, "aibotid": "aib-test", "chattype": chattype, "from": {"userid": userid},
               "response_url": response_url, "msgtype": "text", "text": {"content": content}}
        if chattype == "group":
            msg["chatid"] = chatid
        return msg

    @staticmethod
    def app_text_xml(msgid, from_user, content, corp_id, agent_id, create_time) -> str:
        return (f"<xml><ToUserName><![CDATA[{corp_id}]]></ToUserName><FromUserName><![CDATA[{from_user}]]></FromUserName>"
                f"<CreateTime>{create_time}</CreateTime><MsgType><![CDATA[text]]></MsgType>"
                f"<Content><![CDATA[{content}]]></Content><MsgId>{msgid}</MsgId><AgentID>{agent_id}</AgentID></xml>")

    def decrypt_json_reply(self, body: bytes) -> str:
        data = json.loads(body)
        self.crypto.verify(data["msgsignature"], str(data["timestamp"]), data["nonce"], data["encrypt"])
        return self.crypto.decrypt(data["encrypt"]).decode()

    def decrypt_xml_reply(self, body: bytes) -> str:
        from defusedxml import ElementTree
        root = ElementTree.fromstring(body)
        enc = root.findtext("Encrypt")
        self.crypto.verify(root.findtext("MsgSignature"), root.findtext("TimeStamp"), root.findtext("Nonce"), enc)
        return self.crypto.decrypt(enc).decode()


def dingtalk_headers(app_secret: str, now_ms: int) -> dict:
    return {"timestamp": str(now_ms), "sign": dingtalk_callback_sign(app_secret, str(now_ms))}


def dingtalk_text(msg_id, staff_id, conversation_id, content, session_webhook, conversation_type="2") -> dict:
    now = int(time.time() * 1000)
    return {"msgtype": "text", "text": {"content": f" {content}"}, "msgId": msg_id, "createAt": now,
            "conversationType": conversation_type, "conversationId": conversation_id,
            "conversationTitle": "测试群", "senderId": f"$:LWCP_v1:${staff_id}", "senderNick": staff_id,
            "senderStaffId": staff_id, "senderCorpId": "ding-corp", "isAdmin": False, "chatbotCorpId": "ding-corp",
            "chatbotUserId": "$:LWCP_v1:$bot", "isInAtList": True, "sessionWebhook": session_webhook,
            "sessionWebhookExpiredTime": now + 5_400_000}


# --- the fake push server ------------------------------------------------------------------------------
WECOM_HINT = ", hint: [1690000000_1_abcdef], from ip: 127.0.0.1, more info at https://open.work.weixin.qq.com/devtool/query?e={}"
DING_LIMIT_BYTES = 20000
WINDOW = 60.0


class FakePushServer:
    """WeCom group robots, the 智能机器人 response_url, DingTalk custom robots and sessionWebhooks.

    Errors are HTTP 200 with {"errcode", "errmsg"} as both platforms answer; anything unexpected is
    answered 404 and recorded in `unexpected`."""

    def __init__(self, dingtalk_rate_errcode: int = 130101):
        self.wecom_keys: set[str] = set()
        self.ding_robots: dict[str, str] = {}
        self.ding_sessions: set[str] = set()
        self.response_codes: set[str] = set()
        self.clock = time.time
        self.dingtalk_rate_errcode = dingtalk_rate_errcode
        self.unexpected: list[str] = []
        self._received: list[dict] = []
        self._sends: dict[str, deque] = defaultdict(deque)
        self._throttled_until: dict[str, float] = {}
        self._inject: deque = deque()
        self._is_down = False
        self._cond = threading.Condition()
        self._server = None

    # --- life ----------------------------------------------------------------------------------
    def start(self):
        self._server = make_server("127.0.0.1", 0, self._app, threaded=True)
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self):
        if self._server:
            self._server.shutdown()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    # --- set-up by tests -------------------------------------------------------------------------
    def add_wecom_key(self, key: str) -> None:
        self.wecom_keys.add(key)

    def add_dingtalk_robot(self, token: str, secret: str) -> None:
        self.ding_robots[token] = secret

    def add_dingtalk_session(self) -> str:
        session = uuid.uuid4().hex
        self.ding_sessions.add(session)
        return f"{self.url}/robot/sendBySession?session={session}"

    def add_response_code(self) -> str:
        code = uuid.uuid4().hex
        self.response_codes.add(code)
        return f"{self.url}/cgi-bin/aibot/response?response_code={code}"

    def fail_next(self, n: int, status: int = 500) -> None:
        self._inject.extend([("status", status)] * n)

    def hang_next(self, n: int, seconds: float) -> None:
        self._inject.extend([("hang", min(seconds, 30.0))] * n)

    def set_errcode_next(self, n: int, errcode: int, errmsg: str) -> None:
        self._inject.extend([("errcode", (errcode, errmsg))] * n)

    def down(self) -> None:
        self._is_down = True

    def up(self) -> None:
        self._is_down = False

    def received(self, platform: str | None = None, key: str | None = None) -> list[dict]:
        with self._cond:
            return [r for r in self._received if (platform is None or r["platform"] == platform)
                    and (key is None or r["key"] == key)]

    def wait_for(self, count: int, timeout: float = 5.0, platform: str | None = None) -> list[dict]:
        deadline = time.monotonic() + timeout
        with self._cond:
            while len([r for r in self._received if platform is None or r["platform"] == platform]) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"expected {count} pushes, got {len(self._received)}: {self._received}")
                self._cond.wait(left)
        return self.received(platform)

    # --- the HTTP side ---------------------------------------------------------------------------
    @Request.application
    def _app(self, request: Request) -> Response:
        if self._is_down:
            return Response("service unavailable", status=503)
        if self._inject:
            kind, value = self._inject.popleft()
            if kind == "status":
                return Response("internal error", status=value)
            if kind == "hang":
                time.sleep(value)
                return Response("too late", status=504)
            return _json({"errcode": value[0], "errmsg": value[1]})
        routes = {"/cgi-bin/webhook/send": self._wecom, "/robot/send": self._ding_robot,
                  "/robot/sendBySession": self._ding_session, "/cgi-bin/aibot/response": self._aibot_response}
        handler = routes.get(request.path)
        if handler is None or request.method != "POST":
            self.unexpected.append(f"{request.method} {request.full_path}")
            return Response("not found", status=404)
        return handler(request, {k: v[0] for k, v in parse_qs(urlsplit(request.url).query).items()})

    def _record(self, platform: str, key: str, body: dict) -> Response:
        with self._cond:
            self._received.append({"platform": platform, "key": key, "body": body})
            self._cond.notify_all()
        return _json({"errcode": 0, "errmsg": "ok"})

    def _rate_ok(self, key: str) -> bool:
        now = self.clock()
        sends = self._sends[key]
        while sends and sends[0] <= now - WINDOW:
            sends.popleft()
        if len(sends) >= 20:
            return False
        sends.append(now)
        return True

    def _wecom(self, request: Request, q: dict) -> Response:
        key = q.get("key", "")
        if key not in self.wecom_keys:
            return _json({"errcode": 93000, "errmsg": "invalid webhook url" + WECOM_HINT.format(93000)})
        body = _body(request)
        if body is None:
            return _json({"errcode": 40058, "errmsg": "Warning: wrong json format." + WECOM_HINT.format(40058)})
        msgtype = body.get("msgtype")
        limits = {"text": 2048, "markdown": 4096, "markdown_v2": 4096}
        if msgtype not in limits and msgtype not in ("image", "news", "file", "voice", "template_card"):
            return _json({"errcode": 40008, "errmsg": "invalid message type" + WECOM_HINT.format(40008)})
        if msgtype in limits:
            content = str((body.get(msgtype) or {}).get("content", ""))
            if not content:
                return _json({"errcode": 44004, "errmsg": "empty content" + WECOM_HINT.format(44004)})
            if len(content.encode()) > limits[msgtype]:
                return _json({"errcode": 40058, "errmsg": f"{msgtype}.content exceed max length {limits[msgtype]}. "
                              "invalid Request Parameter" + WECOM_HINT.format(40058)})
        if not self._rate_ok(f"wecom:{key}"):
            return _json({"errcode": 45009, "errmsg": "api freq out of limit" + WECOM_HINT.format(45009)})
        return self._record("wecom", key, body)

    def _ding_robot(self, request: Request, q: dict) -> Response:
        token = q.get("access_token", "")
        if token not in self.ding_robots:
            return _json({"errcode": 300001, "errmsg": "token is not exist"})
        secret = self.ding_robots[token]
        try:
            ts = int(q.get("timestamp", ""))
        except ValueError:
            return _json({"errcode": 310000, "errmsg": "invalid timestamp"})
        if abs(self.clock() * 1000 - ts) > 3_600_000:
            return _json({"errcode": 310000, "errmsg": "invalid timestamp"})
        expected = base64.b64encode(hmac.new(secret.encode(), f"{ts}\n{secret}".encode(), hashlib.sha256).digest()).decode()
        if not hmac.compare_digest(expected, q.get("sign", "")):
            return _json({"errcode": 310000, "errmsg": "sign not match"})
        error = self._ding_body_error(request)
        if error:
            return error
        if self._throttled_until.get(token, 0) > self.clock():
            return _json({"errcode": self.dingtalk_rate_errcode, "errmsg": "send too fast, exceed 20 times per minute"})
        if not self._rate_ok(f"ding:{token}"):
            self._throttled_until[token] = self.clock() + 600   # DingTalk throttles the robot 10 minutes
            return _json({"errcode": self.dingtalk_rate_errcode, "errmsg": "send too fast, exceed 20 times per minute"})
        return self._record("dingtalk", token, _body(request))

    def _ding_body_error(self, request: Request) -> Response | None:
        if len(request.get_data()) > DING_LIMIT_BYTES:
            return _json({"errcode": 460101, "errmsg": "message too long, exceed 20000 bytes"})
        body = _body(request)
        needs = {"text": ("text", "content"), "markdown": ("markdown", "text")}
        if body is None or body.get("msgtype") not in needs:
            return _json({"errcode": 40035, "errmsg": "缺少参数 json"})
        section, field = needs[body["msgtype"]]
        if not (body.get(section) or {}).get(field):
            return _json({"errcode": 40035, "errmsg": "缺少参数 json"})
        return None

    def _ding_session(self, request: Request, q: dict) -> Response:
        if q.get("session") not in self.ding_sessions:
            return _json({"errcode": 300001, "errmsg": "token is not exist"})
        error = self._ding_body_error(request)
        return error or self._record("dingtalk_session", q["session"], _body(request))

    def _aibot_response(self, request: Request, q: dict) -> Response:
        code = q.get("response_code", "")
        if code not in self.response_codes:
            return _json({"errcode": 40058, "errmsg": "invalid response_code" + WECOM_HINT.format(40058)})
        self.response_codes.discard(code)    # usable once
        return self._record("wecom_aibot", code, _body(request) or {})


def _body(request: Request) -> dict | None:
    try:
        data = json.loads(request.get_data())
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


def _json(data: dict) -> Response:
    return Response(json.dumps(data, ensure_ascii=False), mimetype="application/json")
