"""Platform cryptography, pure: WeCom's message signature and AES scheme (智能机器人, self-built app),
DingTalk's callback and push signatures. Formulas and known answers: ../shared/protocols.md."""
from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import os
import struct
from urllib.parse import quote, urlsplit, urlunsplit

from Crypto.Cipher import AES
from defusedxml import ElementTree

BLOCK = 32   # WeCom pads PKCS#7 to 32-byte blocks, not AES's 16


class CryptoError(ValueError):
    """Anything wrong with a signed or encrypted request."""


class SignatureError(CryptoError):
    pass


class DecryptError(CryptoError):
    pass


class ReceiveIdError(CryptoError):
    pass


class StaleRequestError(CryptoError):
    pass


class KeyError_(CryptoError):
    """The configured EncodingAESKey is not 43 characters decoding to 32 bytes."""


class WeComCrypto:
    def __init__(self, token: str, encoding_aes_key: str, receive_id: str,
                 accept_receive_ids: tuple[str, ...] = ()):
        if len(encoding_aes_key or "") != 43:
            raise KeyError_("EncodingAESKey must be 43 characters")
        try:
            self.key = base64.b64decode(encoding_aes_key + "=", validate=True)
        except binascii.Error:
            raise KeyError_("EncodingAESKey is not base64") from None
        if len(self.key) != 32:
            raise KeyError_("EncodingAESKey must decode to 32 bytes")
        self.token = token
        self.receive_id = receive_id
        self.accepted = {receive_id.encode(), *(r.encode() for r in accept_receive_ids)}

    # --- signatures ----------------------------------------------------------------------------
    def signature(self, timestamp: str, nonce: str, encrypted: str) -> str:
        parts = sorted([self.token, str(timestamp), str(nonce), encrypted])
        return hashlib.sha1("".join(parts).encode()).hexdigest()

    def verify(self, signature: str, timestamp: str, nonce: str, encrypted: str) -> None:
        expected = self.signature(timestamp, nonce, encrypted)
        if not hmac.compare_digest(expected.encode(), (signature or "").lower().encode()):
            raise SignatureError("msg_signature does not match")

    # --- AES -----------------------------------------------------------------------------------
    def encrypt(self, plaintext: bytes | str, random16: bytes | None = None) -> str:
        msg = plaintext.encode() if isinstance(plaintext, str) else plaintext
        raw = (random16 or os.urandom(16)) + struct.pack(">I", len(msg)) + msg + self.receive_id.encode()
        pad = BLOCK - len(raw) % BLOCK
        raw += bytes([pad]) * pad
        cipher = AES.new(self.key, AES.MODE_CBC, self.key[:16])
        return base64.b64encode(cipher.encrypt(raw)).decode()

    def decrypt(self, encrypted: str) -> bytes:
        try:
            data = base64.b64decode(encrypted, validate=True)
        except (binascii.Error, ValueError):
            raise DecryptError("ciphertext is not base64") from None
        if not data or len(data) % 16:
            raise DecryptError("ciphertext length is not a multiple of 16")
        raw = AES.new(self.key, AES.MODE_CBC, self.key[:16]).decrypt(data)
        pad = raw[-1]
        if not 1 <= pad <= BLOCK or raw[-pad:] != bytes([pad]) * pad:
            raise DecryptError("bad padding")
        raw = raw[:-pad]
        if len(raw) < 20:
            raise DecryptError("plaintext too short")
        (length,) = struct.unpack(">I", raw[16:20])
        if 20 + length > len(raw):
            raise DecryptError("bad length field")
        msg, tail = raw[20:20 + length], raw[20 + length:]
        if tail not in self.accepted:
            raise ReceiveIdError("receive id does not match")
        return msg

    # --- envelopes -----------------------------------------------------------------------------
    def verify_url(self, msg_signature: str, timestamp: str, nonce: str, echostr: str) -> str:
        self.verify(msg_signature, timestamp, nonce, echostr)
        try:
            return self.decrypt(echostr).decode("utf-8")
        except UnicodeDecodeError:
            raise DecryptError("echostr is not UTF-8") from None

    def decrypt_xml_envelope(self, msg_signature: str, timestamp: str, nonce: str, body: bytes) -> bytes:
        try:
            root = ElementTree.fromstring(body)
        except Exception:  # noqa: BLE001 - defusedxml raises several kinds for hostile or broken XML
            raise DecryptError("envelope is not XML") from None
        encrypted = (root.findtext("Encrypt") or "").strip()
        if not encrypted:
            raise DecryptError("no Encrypt in envelope")
        self.verify(msg_signature, timestamp, nonce, encrypted)
        return self.decrypt(encrypted)

    def decrypt_json_envelope(self, msg_signature: str, timestamp: str, nonce: str, body: bytes) -> bytes:
        try:
            encrypted = json.loads(body).get("encrypt", "")
        except (ValueError, AttributeError, UnicodeDecodeError):
            raise DecryptError("envelope is not JSON with encrypt") from None
        if not isinstance(encrypted, str) or not encrypted:
            raise DecryptError("no encrypt in envelope")
        self.verify(msg_signature, timestamp, nonce, encrypted)
        return self.decrypt(encrypted)

    def encrypt_xml_reply(self, plaintext: str, timestamp: str, nonce: str) -> str:
        enc = self.encrypt(plaintext)
        sig = self.signature(timestamp, nonce, enc)
        return (f"<xml><Encrypt><![CDATA[{enc}]]></Encrypt><MsgSignature><![CDATA[{sig}]]></MsgSignature>"
                f"<TimeStamp>{timestamp}</TimeStamp><Nonce><![CDATA[{nonce}]]></Nonce></xml>")

    def encrypt_json_reply(self, plaintext: str, timestamp: str, nonce: str) -> str:
        enc = self.encrypt(plaintext)
        return json.dumps({"encrypt": enc, "msgsignature": self.signature(timestamp, nonce, enc),
                           "timestamp": int(timestamp) if str(timestamp).isdigit() else timestamp, "nonce": nonce})


# --- DingTalk ----------------------------------------------------------------------------------------
def _hmac_b64(secret: str, timestamp_ms: str) -> str:
    digest = hmac.new(secret.encode(), f"{timestamp_ms}\n{secret}".encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def dingtalk_callback_sign(app_secret: str, timestamp_ms: str) -> str:
    """The `sign` header DingTalk puts on a robot callback (plain base64, not URL-encoded)."""
    return _hmac_b64(app_secret, str(timestamp_ms))


def verify_dingtalk_callback(app_secret: str, timestamp_ms: str, sign: str, now_ms: int,
                             window_ms: int = 3_600_000) -> None:
    try:
        ts = int(timestamp_ms)
    except (TypeError, ValueError):
        raise StaleRequestError("missing or bad timestamp") from None
    if abs(now_ms - ts) > window_ms:
        raise StaleRequestError("timestamp outside the allowed window")
    expected = dingtalk_callback_sign(app_secret, str(timestamp_ms))
    if not hmac.compare_digest(expected.encode(), (sign or "").encode()):
        raise SignatureError("sign does not match")


def dingtalk_push_sign(secret: str, timestamp_ms: int | str) -> str:
    """The custom robot's 加签, URL-encoded for the query string."""
    return quote(_hmac_b64(secret, str(timestamp_ms)), safe="")


def dingtalk_push_url(webhook: str, secret: str, now_ms: int) -> str:
    parts = urlsplit(webhook)
    query = f"{parts.query}&" if parts.query else ""
    query += f"timestamp={now_ms}&sign={dingtalk_push_sign(secret, now_ms)}"
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, ""))
