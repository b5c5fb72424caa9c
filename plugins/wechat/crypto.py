"""WeCom's callback crypto (企业微信回调加解密), as the connector uses it.

The scheme (shared/PROTOCOLS.md 2.8): ``msg_signature`` is the SHA1 hex of the token,
timestamp, nonce and ciphertext sorted and joined; the ciphertext is AES-256-CBC with
the key ``base64(EncodingAESKey + "=")`` and its first 16 bytes as IV, over
``16 random bytes | length (4 bytes, big-endian) | message | receive id``, padded with
PKCS#7 to a multiple of **32** bytes (not AES's 16: a 16-byte unpad would accept pads
WeCom never sends and reject none it does).

AES comes from the ``cryptography`` package: a block cipher done by hand is a security
liability. Everything here raises :class:`CryptoError` with a reason an operator can act
on, never a traceback; the signature and the receive id are compared in constant time.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import struct

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

BLOCK = 32  # WeCom's PKCS#7 block
MAX_MESSAGE = 4 * 1024 * 1024


class CryptoError(ValueError):
    """A callback that cannot be trusted or read: the reason says which check failed."""


def aes_key(encoding_aes_key: str) -> bytes:
    """The 32-byte key of a 43-character EncodingAESKey. Decoded leniently: WeCom's own
    sample key has non-zero trailing bits, which strict decoders refuse."""
    text = (encoding_aes_key or "").strip()
    if len(text) != 43:
        raise CryptoError(f"the EncodingAESKey has {len(text)} characters; WeCom gives 43")
    try:
        key = base64.b64decode(text + "=", validate=True)
    except (binascii.Error, ValueError):
        raise CryptoError("the EncodingAESKey is not base64 (letters, digits, + and / only)") from None
    if len(key) != 32:
        raise CryptoError("the EncodingAESKey does not decode to 32 bytes")
    return key


def signature(token: str, timestamp: str, nonce: str, encrypted: str) -> str:
    parts = sorted([token, timestamp, nonce, encrypted])
    return hashlib.sha1("".join(parts).encode("utf-8")).hexdigest()


def check_signature(token: str, given: str, timestamp: str, nonce: str, encrypted: str) -> None:
    """Raise CryptoError unless ``given`` is the signature (compared in constant time)."""
    if not given:
        raise CryptoError("unsigned: no msg_signature")
    want = signature(token, timestamp, nonce, encrypted).encode()
    if not hmac.compare_digest(want, given.strip().lower().encode("utf-8", "replace")):
        raise CryptoError("msg_signature does not match the token")


class WeComCrypto:
    """One connection's token, key and receive id (its corp id)."""

    def __init__(self, token: str, encoding_aes_key: str, receive_id: str):
        self.token = token
        self.key = aes_key(encoding_aes_key)
        self.receive_id = receive_id

    def verify(self, given: str, timestamp: str, nonce: str, encrypted: str) -> None:
        check_signature(self.token, given, timestamp, nonce, encrypted)

    def decrypt(self, encrypted: str) -> bytes:
        """The message inside ``encrypted`` (base64), its padding, length and receive id checked."""
        try:
            raw = base64.b64decode(encrypted, validate=True)
        except (binascii.Error, ValueError):
            raise CryptoError("the ciphertext is not base64") from None
        if not raw or len(raw) % 16:
            raise CryptoError(f"the ciphertext is {len(raw)} bytes, not a whole number of AES blocks")
        dec = Cipher(algorithms.AES(self.key), modes.CBC(self.key[:16])).decryptor()
        plain = dec.update(raw) + dec.finalize()
        pad = plain[-1]
        if not 1 <= pad <= BLOCK or pad > len(plain) or plain[-pad:] != bytes([pad]) * pad:
            raise CryptoError("the ciphertext does not decrypt with this EncodingAESKey (bad padding)")
        plain = plain[:-pad]
        if len(plain) < 20:
            raise CryptoError("the decrypted text is too short to hold a message")
        (length,) = struct.unpack(">I", plain[16:20])
        if length > len(plain) - 20 or length > MAX_MESSAGE:
            raise CryptoError("the decrypted length does not fit the message (wrong EncodingAESKey?)")
        message, rid = plain[20:20 + length], plain[20 + length:]
        if not hmac.compare_digest(rid, self.receive_id.encode("utf-8")):
            shown = rid.decode("utf-8", "replace")[:64]
            raise CryptoError(f"the message is for receive id {shown!r}, not this connection's corp id "
                              f"{self.receive_id!r}")
        return message

    def encrypt(self, message: bytes | str, random16: bytes | None = None) -> str:
        """Encrypt ``message`` for WeCom (passive replies; the benchmark's sender)."""
        body = message.encode("utf-8") if isinstance(message, str) else message
        plain = (random16 or os.urandom(16)) + struct.pack(">I", len(body)) + body + self.receive_id.encode("utf-8")
        pad = BLOCK - len(plain) % BLOCK
        plain += bytes([pad]) * pad
        enc = Cipher(algorithms.AES(self.key), modes.CBC(self.key[:16])).encryptor()
        return base64.b64encode(enc.update(plain) + enc.finalize()).decode("ascii")
