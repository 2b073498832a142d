"""Platform cryptography: known answers from ../shared/protocols.md, round trips, cross-checks in both
directions against wechatpy's enterprise WeChatCrypto (an independent implementation), and strictness."""
from __future__ import annotations

import base64
import json
import struct

import pytest
from Crypto.Cipher import AES
from hypothesis import given, settings, strategies as st
from wechatpy.enterprise.crypto import WeChatCrypto
from wechatpy.enterprise.exceptions import InvalidCorpIdException
from wechatpy.exceptions import InvalidSignatureException

from bot.channels.crypto import (DecryptError, KeyError_, ReceiveIdError, SignatureError, StaleRequestError,
                                 WeComCrypto, dingtalk_callback_sign, dingtalk_push_sign, dingtalk_push_url,
                                 verify_dingtalk_callback)

TOKEN = "QDG6eK"
KEY = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C"
CORP = "wx5823bf96d3bd56c7"


@pytest.fixture
def ours():
    return WeComCrypto(TOKEN, KEY, CORP)


@pytest.fixture
def theirs():
    return WeChatCrypto(TOKEN, KEY, CORP)


def raw_cipher(plain: bytes, key: str = KEY) -> str:
    """Encrypt already-padded bytes as WeCom would, to build malformed plaintexts on purpose."""
    k = base64.b64decode(key + "=")
    return base64.b64encode(AES.new(k, AES.MODE_CBC, k[:16]).encrypt(plain)).decode()


# --- DingTalk known answers ------------------------------------------------------------------------
def test_dingtalk_push_sign_known_answer():
    assert dingtalk_push_sign("this is secret", 1603868410000) == "3E1RZgQrn1ZLgQGU4C4n4SMei%2BObeZVym5BbqrwOJPs%3D"
    assert dingtalk_push_sign("this is secret", "1577262236757") == "hmPWwU%2B7lVdm3ZZz0r9tSfx0L4Q26jWOZr9%2BGs6EZQM%3D"


def test_dingtalk_push_url_appends_to_existing_query():
    url = dingtalk_push_url("https://oapi.dingtalk.com/robot/send?access_token=T", "this is secret", 1603868410000)
    assert url == ("https://oapi.dingtalk.com/robot/send?access_token=T&timestamp=1603868410000"
                   "&sign=3E1RZgQrn1ZLgQGU4C4n4SMei%2BObeZVym5BbqrwOJPs%3D")


def test_dingtalk_callback_sign_known_answer():
    assert dingtalk_callback_sign("this is a secret", "1577262236757") == "DJrE6qdyVGCQz9z5r2MDuNcNAhwYnuAkyj13cx169CA="
    verify_dingtalk_callback("this is a secret", "1577262236757", "DJrE6qdyVGCQz9z5r2MDuNcNAhwYnuAkyj13cx169CA=",
                             now_ms=1577262236757 + 1000)


@pytest.mark.parametrize("sign", ["DJrE6qdyVGCQz9z5r2MDuNcNAhwYnuAkyj13cx169CA%3D",   # the push (URL) form
                                  "DJrE6qdyVGCQz9z5r2MDuNcNAhwYnuAkyj13cx169CA", "", "djre6qdyvgcqz9z5r2mdu"])
def test_dingtalk_callback_rejects_other_forms(sign):
    with pytest.raises(SignatureError):
        verify_dingtalk_callback("this is a secret", "1577262236757", sign, now_ms=1577262236757)


@pytest.mark.parametrize("ts,now", [("1577262236757", 1577262236757 + 3_600_001), ("1577262236757", 1577262236757 - 3_600_001),
                                    ("", 1), ("abc", 1), ("1.5e12", 1)])
def test_dingtalk_callback_rejects_stale_or_bad_timestamps(ts, now):
    with pytest.raises(StaleRequestError):
        verify_dingtalk_callback("this is a secret", ts, "DJrE6qdyVGCQz9z5r2MDuNcNAhwYnuAkyj13cx169CA=", now_ms=now)


def test_dingtalk_window_is_the_callers():
    with pytest.raises(StaleRequestError):
        verify_dingtalk_callback("this is a secret", "1577262236757", "DJrE6qdyVGCQz9z5r2MDuNcNAhwYnuAkyj13cx169CA=",
                                 now_ms=1577262236757 + 301_000, window_ms=300_000)


# --- WeCom: cross-checks against wechatpy -------------------------------------------------------------
def test_signature_matches_wechatpy(ours):
    from wechatpy.crypto import _get_signature
    assert ours.signature("1409659813", "1372623149", "abc+/=") == _get_signature(TOKEN, "1409659813", "1372623149", "abc+/=")


def test_wechatpy_decrypts_our_xml_reply(ours, theirs):
    envelope = ours.encrypt_xml_reply("<xml><Content>你好</Content></xml>", "1409659813", "1372623149")
    from defusedxml import ElementTree
    sig = ElementTree.fromstring(envelope).findtext("MsgSignature")
    plain = theirs.decrypt_message(envelope, sig, "1409659813", "1372623149")
    assert plain == "<xml><Content>你好</Content></xml>"


def test_we_decrypt_wechatpys_envelope(ours, theirs):
    envelope = theirs.encrypt_message("<xml><Content>隐患 ]]&gt;</Content></xml>", "987654", "1409659813")
    from defusedxml import ElementTree
    root = ElementTree.fromstring(envelope)
    body = f"<xml><ToUserName><![CDATA[{CORP}]]></ToUserName><Encrypt><![CDATA[{root.findtext('Encrypt')}]]></Encrypt></xml>"
    plain = ours.decrypt_xml_envelope(root.findtext("MsgSignature"), "1409659813", "987654", body.encode())
    assert plain.decode() == "<xml><Content>隐患 ]]&gt;</Content></xml>"


def test_url_verification_both_ways(ours, theirs):
    echostr = ours.encrypt("echo-42")
    sig = ours.signature("1409659589", "263014780", echostr)
    assert theirs.check_signature(sig, "1409659589", "263014780", echostr) == "echo-42"
    assert ours.verify_url(sig, "1409659589", "263014780", echostr) == "echo-42"


def test_wechatpy_refuses_what_we_would_refuse(ours, theirs):
    other = WeComCrypto(TOKEN, KEY, "wwOtherCorp")
    enc = other.encrypt("x")
    with pytest.raises(InvalidCorpIdException):
        theirs.check_signature(ours.signature("1", "2", enc), "1", "2", enc)
    with pytest.raises(ReceiveIdError):
        ours.verify_url(ours.signature("1", "2", enc), "1", "2", enc)
    with pytest.raises(InvalidSignatureException):
        theirs.check_signature("0" * 40, "1", "2", enc)


@settings(max_examples=60, deadline=None)
@given(text=st.text(max_size=3000), receive_id=st.sampled_from(["", CORP, "ww-suite-Ω"]))
def test_round_trip_and_cross_check(text, receive_id):
    ours, theirs = WeComCrypto(TOKEN, KEY, receive_id), WeChatCrypto(TOKEN, KEY, receive_id)
    enc = ours.encrypt(text)
    assert ours.decrypt(enc) == text.encode()
    sig = ours.signature("5", "6", enc)
    assert theirs.check_signature(sig, "5", "6", enc) == text
    envelope = theirs.encrypt_message(text, "6", "5")
    from defusedxml import ElementTree
    root = ElementTree.fromstring(envelope)
    assert ours.decrypt(root.findtext("Encrypt")) == text.encode()


def test_padding_is_to_32_bytes(ours):
    for n in range(0, 70):
        raw = base64.b64decode(ours.encrypt("x" * n))
        assert len(raw) % 32 == 0


def test_json_envelope_round_trip():
    bot = WeComCrypto("aibotToken123", "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG", "")
    reply = json.loads(bot.encrypt_json_reply('{"msgtype":"stream"}', "1700000000", "n1"))
    assert set(reply) == {"encrypt", "msgsignature", "timestamp", "nonce"}
    assert reply["timestamp"] == "1700000000" and reply["nonce"] == "n1"   # strings, as Tencent's template writes them
    body = json.dumps({"encrypt": reply["encrypt"]}).encode()
    assert bot.decrypt_json_envelope(reply["msgsignature"], "1700000000", "n1", body) == b'{"msgtype":"stream"}'


# --- strictness ------------------------------------------------------------------------------------
@pytest.mark.parametrize("key", ["", "short", KEY[:-1], KEY + "A", "!" * 43])
def test_bad_encoding_aes_keys_are_config_errors(key):
    with pytest.raises(KeyError_):
        WeComCrypto(TOKEN, key, CORP)


def _block(plain: bytes) -> bytes:
    pad = 32 - len(plain) % 32
    return plain + bytes([pad]) * pad


@pytest.mark.parametrize("name,plain", [
    ("pad zero", b"R" * 16 + struct.pack(">I", 1) + b"x" + CORP.encode() + b"\x00" * 13),
    ("pad above 32", (b"R" * 16 + struct.pack(">I", 1) + b"x" + CORP.encode())[:31] + bytes([33]) * 33),
    ("pad bytes differ", _block(b"R" * 16 + struct.pack(">I", 1) + b"x" + CORP.encode())[:-2] + b"\x01\x0d"),
    ("length beyond the end", _block(b"R" * 16 + struct.pack(">I", 4000) + b"x" + CORP.encode())),
    ("too short", _block(b"R" * 10)),
])
def test_malformed_plaintexts_are_refused(ours, name, plain):
    if len(plain) % 16:
        plain = plain + b"\x00" * (16 - len(plain) % 16)
    with pytest.raises(DecryptError):
        ours.decrypt(raw_cipher(plain))


@pytest.mark.parametrize("enc", ["", "not base64!", "QUJD", "A" * 23 + "=", "AAAA" * 3])
def test_broken_ciphertexts_are_refused(ours, enc):
    with pytest.raises(DecryptError):
        ours.decrypt(enc)


def test_truncated_ciphertext_is_refused(ours):
    enc = ours.encrypt("a message long enough to span a few blocks of ciphertext")
    raw = base64.b64decode(enc)
    for cut in (1, 15, 16, 32):
        with pytest.raises(DecryptError):
            ours.decrypt(base64.b64encode(raw[:-cut]).decode())


def test_receive_id_must_match_exactly(ours):
    for other in ("", CORP + "x", CORP[:-1], CORP.upper()):
        with pytest.raises(ReceiveIdError):
            ours.decrypt(WeComCrypto(TOKEN, KEY, other).encrypt("x"))


def test_signature_is_checked_before_decrypting(ours):
    enc = ours.encrypt("x")
    body = f"<xml><Encrypt>{enc}</Encrypt></xml>".encode()
    with pytest.raises(SignatureError):
        ours.decrypt_xml_envelope(ours.signature("1", "2", enc)[:-1] + "0", "1", "3", body)
    with pytest.raises(SignatureError):
        ours.decrypt_xml_envelope("", "1", "2", body)


@pytest.mark.parametrize("body", [b"", b"<xml>", b"<xml><Encrypt/></xml>", b"{}",
                                  b'<!DOCTYPE x [<!ENTITY e "e">]><xml><Encrypt>&e;</Encrypt></xml>'])
def test_bad_xml_envelopes(ours, body):
    with pytest.raises(DecryptError):
        ours.decrypt_xml_envelope("x", "1", "2", body)


@pytest.mark.parametrize("body", [b"", b"[]", b"{}", b'{"encrypt": 1}', b'{"encrypt": ""}', b"\xff"])
def test_bad_json_envelopes(ours, body):
    with pytest.raises(DecryptError):
        ours.decrypt_json_envelope("x", "1", "2", body)
