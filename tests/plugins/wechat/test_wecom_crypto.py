"""WeCom's callback crypto, the connector's (plugins/wechat/crypto.py) and the fake's
(tests/fakes/wecom_crypto.py), each checked against published vectors so the two cannot
agree on a mistake:

- wechatpy's work crypto tests (tests/test_crypto.py of wechatpy/wechatpy): token 123456,
  the URL check's signature, a POSTed message, and an encryption with the random prefix
  fixed, whose ciphertext and signature are pinned byte for byte;
- WeCom's official sample (the 验证URL example of the WXBizMsgCrypt samples): its key has
  non-zero trailing bits, which a strict base64 decoder refuses.
"""

from __future__ import annotations

import base64

import pytest
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from plugins.wechat.crypto import CryptoError, WeComCrypto, aes_key, check_signature, signature
from tests.fakes import wecom_crypto as fake

KEY = "kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR"
TOKEN = "123456"
CORP = "wx49f0ab532d5d035a"
ECHO = "4ByGGj+sVCYcvGeQYhaKIk1o0pQRNbRjxybjTGblXrBaXlTXeOo1+bXFXDQQb1o6co6Yh9Bv41n7hOchLF6p+Q=="
POSTED = ("RgqEoJj5A4EMYlLvWO1F86ioRjZfaex/gePD0gOXTxpsq5Yj4GNglrBb8I2BAJVODGajiFnXBu7mCPatfjsu6IHCrsTyeDXzF6Bv283dGym"
          "zxh6ydJRvZsryDyZbLTE7rhnus50qGPMfp2wASFlzEgMW9z1ef/RD8XzaFYgm7iTdaXpXaG4+BiYyolBug/gYNx410cvkKR2/nPwBiT+P4hI"
          "iOAQqGp/TywZBtDh1yCF2KOd0gpiMZ5jSw3e29mTvmUHzkVQiMS6td7vXUaWOMZnYZlF3So2SjHnwh4jYFxdgpkHHqIrH/54SNdshoQgWYEvc"
          "cTKe7FS709/5t6NMxuGhcUGAPOQipvWTT4dShyqio7mlsl5noTrb++x6En749zCpQVhDpbV6GDnTbcX2e8K9QaNWHp91eBdCRxthuL0=")
REPLY = ("<xml>\n<MsgType><![CDATA[text]]></MsgType>\n<Content><![CDATA[test]]></Content>\n"
         "<FromUserName><![CDATA[wx49f0ab532d5d035a]]></FromUserName>\n<ToUserName><![CDATA[messense]]></ToUserName>\n"
         "<AgentID>1</AgentID>\n<CreateTime>1411525903</CreateTime>\n</xml>")
REPLY_ENC = ("9s4gMv99m88kKTh/H8IdkOiMg6bisoy3ypwy9H4hvSPe9nsGaqyw5hhSjdYbcrKk+j3nba4HMOTzHrluLBYqxgNcBqGsL8GqxlhZgURnAtOb"
             "vesEl5nZ+uBE8bviY0LWke8Zy9V/QYKxNV2FqllNXcfmstttyIkMKCCmVbCFM2JTF5wY0nFhHZSjPUL2Q1qvSUCUld+/WIXrx0oyKQmpB6o8"
             "NRrrNrsDf03oxI1p9FxUgMnwKKZeOA/uu+2IEvEBtb7muXsVbwbgX05UPPJvFurDXafG0RQyPR+mf1nDnAtQmmNOuiR5MIkdQ39xn1vWwi1O"
             "5oazPoQJz0nTYjxxEE8kv3kFxtAGVRe3ypD3WeK2XeFYFMNMpatF9XiKzHo3")
OFFICIAL_KEY = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C"
OFFICIAL_ECHO = "P9nAzCzyDtyTWESHep1vC5X9xho/qYX3Zpb4yKa9SKld1DsH3Iyt3tP3zNdtp+4RPcs8TgAE7OaBO+FZXvnaqQ=="


@pytest.mark.parametrize("sign", [signature, fake.sign], ids=["connector", "fake"])
def test_signatures_match_the_published_vectors(sign):
    assert sign(TOKEN, "1411443780", "437374425", ECHO) == "dd6b9c95b495b3f7e2901bfbc76c664930ffdb96"
    assert sign(TOKEN, "1411525903", "461056294", POSTED) == "74d92dfeb87ba7c714f89d98870ae5eb62dff26d"
    assert sign(TOKEN, "1411525903", "461056294", REPLY_ENC) == "407518b7649e86ef23978113f92d27afa9296533"
    assert sign("QDG6eK", "1409659589", "263014780", OFFICIAL_ECHO) == "5c45ff5e21c57e6ad56bac8758b79b1d9ac89fd3"


def test_the_connector_decrypts_wechatpys_vectors():
    c = WeComCrypto(TOKEN, KEY, CORP)
    c.verify("dd6b9c95b495b3f7e2901bfbc76c664930ffdb96", "1411443780", "437374425", ECHO)
    assert c.decrypt(ECHO) == b"5927782489442352469"
    msg = c.decrypt(POSTED).decode()
    assert "<Content><![CDATA[test]]></Content>" in msg and "<FromUserName><![CDATA[messense]]>" in msg


def test_both_encrypt_wechatpys_vector_byte_for_byte():
    assert WeComCrypto(TOKEN, KEY, CORP).encrypt(REPLY, b"1234567890123456") == REPLY_ENC
    assert fake.encrypt(KEY, REPLY, CORP, b"1234567890123456") == REPLY_ENC


def test_the_official_sample_with_its_non_canonical_key():
    with pytest.raises(ValueError):
        _strict(OFFICIAL_KEY)
    assert WeComCrypto("QDG6eK", OFFICIAL_KEY, "wx5823bf96d3bd56c7").decrypt(OFFICIAL_ECHO) == b"1616140317555161061"
    assert fake.decrypt(OFFICIAL_KEY, OFFICIAL_ECHO) == (b"1616140317555161061", "wx5823bf96d3bd56c7")


def _strict(key: str) -> None:
    """A strict decoder re-encodes and compares: the sample key does not survive it."""
    if base64.b64encode(base64.b64decode(key + "="))[:43].decode() != key:
        raise ValueError("non-canonical base64")


ENCRYPTS = {"connector": lambda text: WeComCrypto(TOKEN, KEY, CORP).encrypt(text, b"R" * 16),
            "fake": lambda text: fake.encrypt(KEY, text, CORP, b"R" * 16)}


@pytest.mark.parametrize("side", ENCRYPTS)
def test_padding_is_to_32_bytes(side):
    # 16 + 4 + 10 + 18 = 48 bytes: a 16-byte pad would add 16 (to 64) too, but of value 16 either way;
    # 16 + 4 + 2 + 18 = 40: WeCom pads 24 bytes of 24 (to 64), a 16-byte pad 8 bytes of 8 (to 48)
    key = aes_key(KEY)
    dec = Cipher(algorithms.AES(key), modes.CBC(key[:16])).decryptor()
    plain = dec.update(base64.b64decode(ENCRYPTS[side]("01"))) + dec.finalize()
    assert len(plain) == 64 and plain[-24:] == bytes([24]) * 24
    # 16 + 4 + 58 + 18 = 96, already aligned: a whole block of 32 more (a 16-byte pad would give 112)
    assert len(base64.b64decode(ENCRYPTS[side]("x" * 58))) == 128


def _raw(plain: bytes) -> str:
    key = aes_key(KEY)
    enc = Cipher(algorithms.AES(key), modes.CBC(key[:16])).encryptor()
    return base64.b64encode(enc.update(plain) + enc.finalize()).decode()


def test_bad_inputs_are_refused_with_the_reason():
    c = WeComCrypto(TOKEN, KEY, CORP)
    with pytest.raises(CryptoError, match="another|receive id 'wwOTHER'"):
        c.decrypt(fake.encrypt(KEY, "<xml/>", "wwOTHER"))
    with pytest.raises(CryptoError, match="bad padding"):  # the pad byte says 33: over WeCom's 32
        c.decrypt(_raw(b"R" * 16 + b"\0\0\0\1x" + CORP.encode() + b"\x21" * 25))
    with pytest.raises(CryptoError, match="bad padding"):  # pad bytes that disagree
        c.decrypt(_raw(b"R" * 16 + b"\0\0\0\1x" + CORP.encode() + b"\x07" * 24 + b"\x05"))
    with pytest.raises(CryptoError, match="bad padding"):  # another key: garbage padding
        c.decrypt(fake.encrypt("A" * 43, "<xml/>", CORP))
    with pytest.raises(CryptoError, match="length"):
        c.decrypt(_raw(b"R" * 16 + b"\xff\0\0\1x" + b"\x0b" * 11))
    with pytest.raises(CryptoError, match="not base64"):
        c.decrypt("%%%")
    with pytest.raises(CryptoError, match="AES blocks"):
        c.decrypt(base64.b64encode(b"123").decode())
    with pytest.raises(CryptoError, match="does not match"):
        check_signature(TOKEN, "0" * 40, "1411443780", "437374425", ECHO)
    with pytest.raises(CryptoError, match="unsigned"):
        check_signature(TOKEN, "", "1411443780", "437374425", ECHO)
    with pytest.raises(CryptoError, match="43"):
        aes_key("short")
    with pytest.raises(CryptoError, match="base64"):
        aes_key("!" * 43)
