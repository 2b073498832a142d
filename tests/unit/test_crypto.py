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

from bot.channels.crypto import (AesKeyError, CryptoError, DecryptError, KeyError_, ReceiveIdError, SignatureError,
                                 StaleRequestError, WeComCrypto, dingtalk_callback_sign, dingtalk_push_sign,
                                 dingtalk_push_url, verify_dingtalk_callback)

TOKEN = "QDG6eK"
KEY = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C"
CORP = "wx5823bf96d3bd56c7"

# The worked example of WW-90968, as shipped in Tencent's PHP/C# WXBizMsgCrypt samples (comments of
# Sample.php / Sample.cs; found with the search tool under the msg_signature below).
OFFICIAL_POST = dict(msg_signature="477715d11cdb4164915debcba66cb864d751f3e6", timestamp="1409659813",
                     nonce="1372623149")
OFFICIAL_ENCRYPT = (
    "RypEvHKD8QQKFhvQ6QleEB4J58tiPdvo+rtK1I9qca6aM/wvqnLSV5zEPeusUiX5L5X/0lWfrf0QADHHhGd3QczcdCUpj911L3vg3W/sYYvuJTs3"
    "TUUkSUXxaccAS0qhxchrRYt66wiSpGLYL42aM6A8dTT+6k4aSknmPj48kzJs8qLjvd4Xgpue06DOdnLxAUHzM6+kDZ+HMZfJYuR+LtwGc2hgf5gs"
    "ijff0ekUNXZiqATP7PF5mZxZ3Izoun1s4zG4LUMnvw2r+KqCKIw+3IQH03v+BCA9nMELNqbSf6tiWSrXJB3LAVGUcallcrw8V2t9EL4EhzJWrQUa"
    "x5wLVMNS0+rUPA3k22Ncx4XXZS9o0MBH27Bo6BpNelZpS+/uh9KsNlY6bHCmJU9p8g7m3fVKn28H3KDYA5Pl/T8Z1ptDAVe0lXdQ2YoyyH2uyPIG"
    "HBZZIs2pDBS8R07+qN+E7Q==")
OFFICIAL_PLAIN = (b"<xml><ToUserName><![CDATA[wx5823bf96d3bd56c7]]></ToUserName>\n"
                  b"<FromUserName><![CDATA[mycreate]]></FromUserName>\n<CreateTime>1409659813</CreateTime>\n"
                  b"<MsgType><![CDATA[text]]></MsgType>\n<Content><![CDATA[hello]]></Content>\n"
                  b"<MsgId>4561255354251345929</MsgId>\n<AgentID>218</AgentID>\n</xml>")
OFFICIAL_RANDOM = b"0960688932c47ef1"     # the example's random prefix, read back from its plaintext
OFFICIAL_GET = dict(msg_signature="5c45ff5e21c57e6ad56bac8758b79b1d9ac89fd3", timestamp="1409659589",
                    nonce="263014780",
                    echostr="P9nAzCzyDtyTWESHep1vC5X9xho/qYX3Zpb4yKa9SKld1DsH3Iyt3tP3zNdtp+4RPcs8TgAE7OaBO+FZXvnaqQ==")


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


# --- WeCom official known answers ---------------------------------------------------------------------
def test_official_post_example_signature_and_plaintext(ours):
    assert ours.signature(OFFICIAL_POST["timestamp"], OFFICIAL_POST["nonce"], OFFICIAL_ENCRYPT) == \
        OFFICIAL_POST["msg_signature"]
    body = (f"<xml><ToUserName><![CDATA[{CORP}]]></ToUserName><Encrypt><![CDATA[{OFFICIAL_ENCRYPT}]]></Encrypt>"
            "<AgentID><![CDATA[218]]></AgentID></xml>").encode()
    assert ours.decrypt_xml_envelope(**OFFICIAL_POST, body=body) == OFFICIAL_PLAIN


def test_official_post_example_encrypts_byte_for_byte(ours):
    # Same random prefix, same plaintext -> exactly Tencent's ciphertext: layout, padding and IV all agree.
    assert ours.encrypt(OFFICIAL_PLAIN, random16=OFFICIAL_RANDOM) == OFFICIAL_ENCRYPT


def test_official_get_example_url_verification(ours):
    assert ours.verify_url(**OFFICIAL_GET) == "1616140317555161061"


def test_official_examples_refused_with_another_corp_or_token():
    with pytest.raises(ReceiveIdError):
        WeComCrypto(TOKEN, KEY, "wwSomeoneElse").decrypt(OFFICIAL_ENCRYPT)
    with pytest.raises(SignatureError):
        WeComCrypto("hJqcu3uJ9Tn2gXPmxx2w9kkCkCE2EPYo", KEY, CORP).verify_url(**OFFICIAL_GET)


def test_official_plaintext_through_wechatpy(theirs):
    assert theirs.decrypt_message(
        f"<xml><Encrypt><![CDATA[{OFFICIAL_ENCRYPT}]]></Encrypt></xml>", OFFICIAL_POST["msg_signature"],
        OFFICIAL_POST["timestamp"], OFFICIAL_POST["nonce"]) == OFFICIAL_PLAIN.decode()


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
    with pytest.raises(AesKeyError):
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


# --- tampering: CBC has no integrity of its own, the signature carries it ------------------------------
def _flip(enc: str, index_from_end: int) -> str:
    raw = bytearray(base64.b64decode(enc))
    raw[-index_from_end] ^= 0x01
    return base64.b64encode(bytes(raw)).decode()


def test_tampered_ciphertext_fails_the_signature_first(ours):
    enc = ours.encrypt("围墙倒了")
    sig = ours.signature("1", "2", enc)
    for i in (1, 17, 40):
        body = json.dumps({"encrypt": _flip(enc, i)}).encode()
        with pytest.raises(SignatureError):
            ours.decrypt_json_envelope(sig, "1", "2", body)


def test_flipping_the_pad_byte_is_a_decrypt_error(ours):
    # The last byte of the previous cipher block XORs into the last plaintext byte: the pad value.
    enc = ours.encrypt("x")
    with pytest.raises(DecryptError):
        ours.decrypt(_flip(enc, 17))


def _flip_at(enc: str, index: int, bit: int = 0x01) -> str:
    raw = bytearray(base64.b64decode(enc))
    raw[index] ^= bit
    return base64.b64encode(bytes(raw)).decode()


def test_tampering_the_first_block_hits_length_or_receive_id_exactly():
    # Flipping cipher block 0 garbles plaintext block 0 (the random prefix, ignored) and flips the same
    # bit in plaintext block 1: bytes 16..19 are the length, 20 the message "x", 21.. the receive id.
    bot = WeComCrypto(TOKEN, KEY, "wx0123456789")
    enc = bot.encrypt("x")
    assert bot.decrypt(_flip_at(enc, 4)) == b"y"           # CBC alone does not authenticate: the signature must
    with pytest.raises(DecryptError):
        bot.decrypt(_flip_at(enc, 0, 0x80))                  # length + 2**31
    with pytest.raises(ReceiveIdError):
        bot.decrypt(_flip_at(enc, 5))                        # first receive id byte


# --- the other wechatpy class and the empty receive id ----------------------------------------------
def test_wechatpy_plain_crypto_agrees_both_ways():
    from wechatpy.crypto import WeChatCrypto as AppCrypto
    ours, theirs = WeComCrypto(TOKEN, KEY, "wxAppId123"), AppCrypto(TOKEN, KEY, "wxAppId123")
    envelope = ours.encrypt_xml_reply("<xml><Content>校园</Content></xml>", "1700000000", "n9")
    from defusedxml import ElementTree
    sig = ElementTree.fromstring(envelope).findtext("MsgSignature")
    assert theirs.decrypt_message(envelope, sig, "1700000000", "n9") == "<xml><Content>校园</Content></xml>"
    root = ElementTree.fromstring(theirs.encrypt_message("<xml>反向</xml>", "n8", "1700000001"))
    assert ours.decrypt_xml_envelope(root.findtext("MsgSignature"), "1700000001", "n8",
                                     envelope_of(root.findtext("Encrypt"))) == "<xml>反向</xml>".encode()


def envelope_of(encrypted: str) -> bytes:
    return f"<xml><ToUserName><![CDATA[x]]></ToUserName><Encrypt><![CDATA[{encrypted}]]></Encrypt></xml>".encode()


def test_aibot_empty_receive_id_against_wechatpy():
    ours, theirs = WeComCrypto("aibotToken", KEY, ""), WeChatCrypto("aibotToken", KEY, "")
    root_xml = theirs.encrypt_message('{"msgtype":"text","text":{"content":"@机器人 围墙"}}', "n1", "1700000000")
    from defusedxml import ElementTree
    root = ElementTree.fromstring(root_xml)
    body = json.dumps({"encrypt": root.findtext("Encrypt")}).encode()
    plain = ours.decrypt_json_envelope(root.findtext("MsgSignature"), "1700000000", "n1", body)
    assert json.loads(plain)["text"]["content"] == "@机器人 围墙"
    reply = json.loads(ours.encrypt_json_reply('{"msgtype":"stream"}', "1700000002", "n2"))
    assert theirs.check_signature(reply["msgsignature"], reply["timestamp"], reply["nonce"], reply["encrypt"]) \
        == '{"msgtype":"stream"}'


def test_accept_receive_ids_widens_only_to_the_listed_ids():
    bot = WeComCrypto(TOKEN, KEY, "", accept_receive_ids=(CORP,))
    for rid in ("", CORP):
        assert bot.decrypt(WeComCrypto(TOKEN, KEY, rid).encrypt("ok")) == b"ok"
    with pytest.raises(ReceiveIdError):
        bot.decrypt(WeComCrypto(TOKEN, KEY, "wwOther").encrypt("ok"))
    assert WeComCrypto(TOKEN, KEY, "").decrypt(bot.encrypt("x")) == b"x"   # it still encrypts for receive_id


def test_random16_must_be_16_bytes(ours):
    with pytest.raises(ValueError):
        ours.encrypt("x", random16=b"short")


def test_key_error_names():
    assert KeyError_ is AesKeyError and issubclass(AesKeyError, CryptoError)
    for cls in (SignatureError, DecryptError, ReceiveIdError, StaleRequestError):
        assert issubclass(cls, CryptoError)


def test_signature_accepts_upper_case_hex_but_nothing_else(ours):
    enc = ours.encrypt("x")
    sig = ours.signature("1", "2", enc)
    ours.verify(sig.upper(), "1", "2", enc)
    for bad in (sig + "0", sig[:-1], " " + sig, "Ω" * 40, None):
        with pytest.raises(SignatureError):
            ours.verify(bad, "1", "2", enc)


@pytest.mark.parametrize("ts", ["1_577_262_236_757", " 1577262236757", "1577262236757\n", "١٥٧٧٢٦٢٢٣٦٧٥٧", "-1"])
def test_dingtalk_timestamp_must_be_plain_ascii_digits(ts):
    with pytest.raises(StaleRequestError):
        verify_dingtalk_callback("this is a secret", ts, dingtalk_callback_sign("this is a secret", ts),
                                 now_ms=1577262236757)


def test_dingtalk_push_url_without_query_and_sign_decodes_back():
    from urllib.parse import parse_qs, urlsplit
    url = dingtalk_push_url("https://oapi.dingtalk.com/robot/send", "this is secret", 1577262236757)
    q = parse_qs(urlsplit(url).query)
    assert q["sign"] == ["hmPWwU+7lVdm3ZZz0r9tSfx0L4Q26jWOZr9+Gs6EZQM="] and q["timestamp"] == ["1577262236757"]


# --- properties -------------------------------------------------------------------------------------
SETTINGS = settings(max_examples=150, deadline=None)
OURS = WeComCrypto(TOKEN, KEY, CORP)     # stateless, so one instance serves every generated example


@SETTINGS
@given(blob=st.binary(max_size=400))
def test_random_ciphertexts_raise_only_crypto_errors(blob):
    for candidate in (base64.b64encode(blob).decode(), blob.decode("latin-1"), blob):
        try:
            OURS.decrypt(candidate)
        except CryptoError:
            pass


@SETTINGS
@given(body=st.binary(max_size=400), sig=st.text(max_size=50), ts=st.text(max_size=12), nonce=st.text(max_size=12))
def test_random_envelopes_raise_only_crypto_errors(body, sig, ts, nonce):
    for method in (OURS.decrypt_xml_envelope, OURS.decrypt_json_envelope):
        try:
            method(sig, ts, nonce, body)
        except CryptoError:
            pass
    try:
        OURS.verify_url(sig, ts, nonce, body.decode("latin-1"))
    except CryptoError:
        pass


@SETTINGS
@given(text=st.text(max_size=2000))
def test_envelopes_round_trip_any_unicode(text):
    reply = json.loads(OURS.encrypt_json_reply(text, "1700000000", "nn"))
    body = json.dumps({"encrypt": reply["encrypt"]}).encode()
    assert OURS.decrypt_json_envelope(reply["msgsignature"], "1700000000", "nn", body).decode() == text
    from defusedxml import ElementTree
    root = ElementTree.fromstring(OURS.encrypt_xml_reply(text, "1700000000", "nn"))
    assert OURS.decrypt_xml_envelope(root.findtext("MsgSignature"), root.findtext("TimeStamp"),
                                     root.findtext("Nonce"), envelope_of(root.findtext("Encrypt"))).decode() == text


@SETTINGS
@given(secret=st.text(min_size=1, max_size=40), ts=st.integers(min_value=0, max_value=10 ** 13))
def test_dingtalk_push_and_callback_signs_are_one_hmac(secret, ts):
    from urllib.parse import unquote
    assert unquote(dingtalk_push_sign(secret, ts)) == dingtalk_callback_sign(secret, str(ts))
    verify_dingtalk_callback(secret, str(ts), dingtalk_callback_sign(secret, str(ts)), now_ms=ts)


def test_xml_reply_survives_hostile_nonce_and_timestamp(ours):
    from defusedxml import ElementTree
    nonce, ts = "]]><Evil/>&<", "17]]>00"
    root = ElementTree.fromstring(ours.encrypt_xml_reply("<xml>ok</xml>", ts, nonce))
    assert root.findtext("Nonce") == nonce and root.findtext("TimeStamp") == ts and root.find("Evil") is None
    assert ours.decrypt_xml_envelope(root.findtext("MsgSignature"), ts, nonce,
                                     envelope_of(root.findtext("Encrypt"))) == b"<xml>ok</xml>"
