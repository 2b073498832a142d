"""Platform cryptography, pure (no I/O): WeCom's message signature and AES scheme (智能机器人 with
receive id "", self-built app with the CorpID), DingTalk's callback and push signatures.
Formulas, sources and known answers: /work/shared/protocols.md sections a, b, d, e."""
from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import os
import re
import struct
from urllib.parse import quote, urlsplit, urlunsplit

from Crypto.Cipher import AES
from defusedxml import DefusedXmlException, ElementTree

BLOCK = 32            # WeCom pads PKCS#7 to 32-byte blocks, not AES's 16
HEADER = 20           # 16 random bytes + 4-byte big-endian length
_DIGITS = re.compile(r"[0-9]{1,16}")   # int() would also take " 1_5", "١٢٣": refuse them up front


class CryptoError(ValueError):
    """Anything wrong with a signed or encrypted request, or with the keys configured for one."""


class SignatureError(CryptoError):
    """The signature does not match (WeCom −40001, DingTalk sign)."""


class DecryptError(CryptoError):
    """Malformed envelope, base64, ciphertext, padding or plaintext (WeCom −40002/−40007/−40008/−40010)."""


class ReceiveIdError(CryptoError):
    """Decrypted fine but addressed to another corp/suite/bot (WeCom −40005)."""


class StaleRequestError(CryptoError):
    """A DingTalk timestamp that is missing, malformed or outside the allowed window."""


class AesKeyError(CryptoError):
    """The configured EncodingAESKey is not 43 characters decoding to 32 bytes (WeCom −40004)."""


KeyError_ = AesKeyError   # the first name this class had; kept so older imports keep working


def _aes_key(encoding_aes_key: str) -> bytes:
    if not isinstance(encoding_aes_key, str) or len(encoding_aes_key) != 43:
        raise AesKeyError("EncodingAESKey must be 43 characters")
    try:
        key = base64.b64decode(encoding_aes_key + "=", validate=True)
    except (binascii.Error, ValueError):
        raise AesKeyError("EncodingAESKey is not base64") from None
    if len(key) != 32:
        raise AesKeyError("EncodingAESKey must decode to 32 bytes")
    return key


def _to_bytes(text: bytes | str) -> bytes:
    return text.encode("utf-8") if isinstance(text, str) else bytes(text)


def _pad(raw: bytes) -> bytes:
    k = BLOCK - len(raw) % BLOCK          # 1..32: a full block of 32s when already aligned
    return raw + bytes([k]) * k


def _unpad(raw: bytes) -> bytes:
    k = raw[-1]
    # The official library trusts the last byte blindly; a strict receiver checks every pad byte.
    if not 1 <= k <= BLOCK or k > len(raw) or raw[-k:] != bytes([k]) * k:
        raise DecryptError("bad PKCS#7 padding")
    return raw[:-k]


def _b64decode(encrypted: str | bytes) -> bytes:
    try:
        data = base64.b64decode(encrypted, validate=True)
    except (binascii.Error, ValueError, TypeError):
        raise DecryptError("ciphertext is not base64") from None
    if not data or len(data) % AES.block_size:
        raise DecryptError("ciphertext length is not a multiple of 16")
    return data


def _split_plaintext(raw: bytes) -> tuple[bytes, bytes]:
    """random16 ‖ len32be ‖ msg ‖ receive_id  ->  (msg, receive_id)"""
    if len(raw) < HEADER:
        raise DecryptError("plaintext too short")
    (length,) = struct.unpack(">I", raw[16:HEADER])
    if HEADER + length > len(raw):
        raise DecryptError("length field runs past the plaintext")
    return raw[HEADER:HEADER + length], raw[HEADER + length:]


class WeComCrypto:
    """WXBizMsgCrypt for one callback configuration (Token, EncodingAESKey, ReceiveId)."""

    def __init__(self, token: str, encoding_aes_key: str, receive_id: str,
                 accept_receive_ids: tuple[str, ...] = ()):
        self.key = _aes_key(encoding_aes_key)
        self.token = token
        self.receive_id = receive_id
        # The 群机器人 receive id is unsettled ("" or the CorpID): callers may accept several.
        self.accepted = frozenset(r.encode() for r in (receive_id, *accept_receive_ids))

    # --- signatures ----------------------------------------------------------------------------
    def signature(self, timestamp: str, nonce: str, encrypted: str) -> str:
        parts = sorted([self.token, str(timestamp), str(nonce), str(encrypted)])
        return hashlib.sha1("".join(parts).encode("utf-8")).hexdigest()

    def verify(self, signature: str, timestamp: str, nonce: str, encrypted: str) -> None:
        expected = self.signature(timestamp, nonce, encrypted).encode()
        given = str(signature or "").lower().encode("utf-8")
        if not hmac.compare_digest(expected, given):
            raise SignatureError("msg_signature does not match")

    # --- AES -----------------------------------------------------------------------------------
    def _cipher(self):
        return AES.new(self.key, AES.MODE_CBC, self.key[:16])   # static IV: the key's first half

    def encrypt(self, plaintext: bytes | str, random16: bytes | None = None) -> str:
        msg = _to_bytes(plaintext)
        nonce = os.urandom(16) if random16 is None else random16
        if len(nonce) != 16:
            raise ValueError("random16 must be 16 bytes")
        raw = nonce + struct.pack(">I", len(msg)) + msg + self.receive_id.encode("utf-8")
        return base64.b64encode(self._cipher().encrypt(_pad(raw))).decode("ascii")

    def decrypt(self, encrypted: str | bytes) -> bytes:
        raw = _unpad(self._cipher().decrypt(_b64decode(encrypted)))
        msg, receive_id = _split_plaintext(raw)
        if receive_id not in self.accepted:
            raise ReceiveIdError("receive id does not match")
        return msg

    # --- envelopes -----------------------------------------------------------------------------
    def verify_url(self, msg_signature: str, timestamp: str, nonce: str, echostr: str) -> str:
        """The GET handshake: the decrypted echostr, to be answered verbatim."""
        self.verify(msg_signature, timestamp, nonce, echostr)
        try:
            return self.decrypt(echostr).decode("utf-8")
        except UnicodeDecodeError:
            raise DecryptError("echostr is not UTF-8") from None

    def decrypt_xml_envelope(self, msg_signature: str, timestamp: str, nonce: str, body: bytes) -> bytes:
        encrypted = _xml_encrypt_field(body)
        self.verify(msg_signature, timestamp, nonce, encrypted)
        return self.decrypt(encrypted)

    def decrypt_json_envelope(self, msg_signature: str, timestamp: str, nonce: str, body: bytes) -> bytes:
        encrypted = _json_encrypt_field(body)
        self.verify(msg_signature, timestamp, nonce, encrypted)
        return self.decrypt(encrypted)

    def _sealed(self, plaintext: bytes | str, timestamp: str, nonce: str) -> tuple[str, str]:
        enc = self.encrypt(plaintext)
        return enc, self.signature(timestamp, nonce, enc)

    def encrypt_xml_reply(self, plaintext: bytes | str, timestamp: str, nonce: str) -> str:
        enc, sig = self._sealed(plaintext, timestamp, nonce)
        return (f"<xml><Encrypt>{_cdata(enc)}</Encrypt><MsgSignature>{_cdata(sig)}</MsgSignature>"
                f"<TimeStamp>{_cdata(timestamp)}</TimeStamp><Nonce>{_cdata(nonce)}</Nonce></xml>")

    def encrypt_json_reply(self, plaintext: bytes | str, timestamp: str, nonce: str) -> str:
        enc, sig = self._sealed(plaintext, timestamp, nonce)
        # Tencent's WXBizJsonMsgCrypt template writes every field, timestamp included, as a string.
        return json.dumps({"encrypt": enc, "msgsignature": sig, "timestamp": str(timestamp), "nonce": str(nonce)})


def _cdata(value) -> str:
    # The nonce and timestamp are echoed from the request: split any "]]>" so they cannot end the section.
    return "<![CDATA[" + str(value).replace("]]>", "]]]]><![CDATA[>") + "]]>"


def _xml_encrypt_field(body: bytes) -> str:
    try:
        root = ElementTree.fromstring(body)
    except (ElementTree.ParseError, DefusedXmlException, ValueError, TypeError):
        raise DecryptError("envelope is not acceptable XML") from None
    encrypted = (root.findtext("Encrypt") or "").strip()
    if not encrypted:
        raise DecryptError("no Encrypt in envelope")
    return encrypted


def _json_encrypt_field(body: bytes) -> str:
    try:
        data = json.loads(body)
    except (ValueError, TypeError, RecursionError):    # UnicodeDecodeError is a ValueError
        raise DecryptError("envelope is not JSON") from None
    encrypted = data.get("encrypt") if isinstance(data, dict) else None
    if not isinstance(encrypted, str) or not encrypted:
        raise DecryptError("no encrypt in envelope")
    return encrypted


# --- DingTalk ----------------------------------------------------------------------------------------
def _hmac_b64(secret: str, timestamp_ms: str) -> str:
    digest = hmac.new(secret.encode("utf-8"), f"{timestamp_ms}\n{secret}".encode("utf-8"), hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def dingtalk_callback_sign(app_secret: str, timestamp_ms: str | int) -> str:
    """The `sign` header DingTalk puts on a robot callback: plain base64, not URL-encoded."""
    return _hmac_b64(app_secret, str(timestamp_ms))


def verify_dingtalk_callback(app_secret: str, timestamp_ms: str, sign: str, now_ms: int,
                             window_ms: int = 3_600_000) -> None:
    """Both checks must pass: the timestamp header within the window, then the sign over it."""
    ts = str(timestamp_ms or "")
    if not _DIGITS.fullmatch(ts):
        raise StaleRequestError("missing or malformed timestamp")
    if abs(now_ms - int(ts)) > window_ms:
        raise StaleRequestError("timestamp outside the allowed window")
    expected = dingtalk_callback_sign(app_secret, ts).encode()
    # A URL-encoded (%3D) or re-cased sign differs byte-wise and is refused, as DingTalk sends base64.
    if not hmac.compare_digest(expected, str(sign or "").encode("utf-8")):
        raise SignatureError("sign does not match")


def dingtalk_push_sign(secret: str, timestamp_ms: int | str) -> str:
    """The custom robot's 加签, URL-encoded for the query string (a raw "+" would arrive as a space)."""
    return quote(_hmac_b64(secret, str(timestamp_ms)), safe="")


def dingtalk_push_url(webhook: str, secret: str, now_ms: int) -> str:
    """The webhook with `&timestamp=…&sign=…` appended to whatever query it already has."""
    parts = urlsplit(webhook)
    signed = f"timestamp={now_ms}&sign={dingtalk_push_sign(secret, now_ms)}"
    query = f"{parts.query}&{signed}" if parts.query else signed
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, parts.fragment))
