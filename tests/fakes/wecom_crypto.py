"""The fake WeCom's own callback crypto, written from the protocol description
(shared/PROTOCOLS.md 2.8), not from the connector: the fake encrypts what it pushes and
decrypts nothing the connector wrote, so a mistake in ``plugins/wechat/crypto.py`` cannot
be mirrored here. ``tests/fakes/test_wecom_fake.py`` checks this module against the
published vectors of wechatpy's work crypto tests.

- key: base64 of EncodingAESKey + "=" (43 characters -> 32 bytes), decoded leniently
  because the official sample key is not canonical base64; iv: the key's first 16 bytes;
- plaintext: 16 random bytes, the message length (4 bytes, big-endian), the message
  (UTF-8), the receive id (the corp id for a self-built app);
- padding: PKCS#7 to a multiple of 32 bytes (1 to 32 bytes of the pad length), while
  AES itself works in 16-byte blocks;
- signature: SHA1 hex of the token, timestamp, nonce and ciphertext sorted and joined.
"""

from __future__ import annotations

import base64
import hashlib
import os
import struct

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

PAD_BLOCK = 32


def key_of(encoding_aes_key: str) -> bytes:
    key = base64.b64decode(encoding_aes_key + "=")  # lenient: non-zero trailing bits are accepted
    if len(key) != 32:
        raise ValueError("EncodingAESKey must be 43 base64 characters (32 bytes)")
    return key


def sign(token: str, timestamp: str, nonce: str, encrypted: str) -> str:
    return hashlib.sha1("".join(sorted([token, timestamp, nonce, encrypted])).encode()).hexdigest()


def encrypt(encoding_aes_key: str, message: str | bytes, receive_id: str, random16: bytes | None = None) -> str:
    key = key_of(encoding_aes_key)
    body = message.encode() if isinstance(message, str) else message
    rnd = random16 if random16 is not None else os.urandom(16)
    assert len(rnd) == 16
    plain = rnd + struct.pack(">I", len(body)) + body + receive_id.encode()
    n = PAD_BLOCK - len(plain) % PAD_BLOCK  # 1..32: a full block of 32 when already aligned
    plain += bytes([n]) * n
    enc = Cipher(algorithms.AES(key), modes.CBC(key[:16])).encryptor()
    return base64.b64encode(enc.update(plain) + enc.finalize()).decode()


def decrypt(encoding_aes_key: str, encrypted: str) -> tuple[bytes, str]:
    """(message, receive id): for the fake's own tests (reading a vector), never the connector's."""
    key = key_of(encoding_aes_key)
    dec = Cipher(algorithms.AES(key), modes.CBC(key[:16])).decryptor()
    plain = dec.update(base64.b64decode(encrypted)) + dec.finalize()
    n = plain[-1]
    if not 1 <= n <= PAD_BLOCK or plain[-n:] != bytes([n]) * n:
        raise ValueError("bad padding")
    plain = plain[:-n]
    (length,) = struct.unpack(">I", plain[16:20])
    return plain[20:20 + length], plain[20 + length:].decode()
