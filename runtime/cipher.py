"""AES-GCM sealing of secrets kept in session state (STATE_ENCRYPTION_KEY), e.g. credex-core JWTs.

Every sealed value names the key that sealed it (`v1.<key id>.<nonce+ciphertext>`), so keys
rotate: new values are sealed under STATE_ENCRYPTION_KEY, and values sealed under a key listed
in STATE_ENCRYPTION_KEY_PREVIOUS still open until they are sealed again. A key id is a hash of
the key, safe to print. `context` binds a value to where it belongs (the member), so a value
copied into another session does not open.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
from collections.abc import Sequence

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

_VERSION = "v1"


def key_id(key: bytes) -> str:
    return base64.urlsafe_b64encode(
        hashlib.sha256(b"vimbiso key id\x00" + key).digest()[:6]
    ).decode()


def decode_key(value: str, setting: str = "STATE_ENCRYPTION_KEY") -> bytes:
    """A 32-byte key from standard or URL-safe base64; the error names the setting, never the
    value (it is a secret, and it may be half right)."""
    text = value.strip()
    padded = (text + "=" * (-len(text) % 4)).encode("ascii", errors="replace")
    for alphabet in (b"+/", b"-_"):
        try:
            key = base64.b64decode(padded, altchars=alphabet, validate=True)
        except (binascii.Error, ValueError):
            continue
        if len(key) == 32:
            return key
    raise ValueError(f"{setting} must be base64 (or URL-safe base64) of 32 bytes")


class FieldCipher:
    """Seals under the current key; opens under the current or any previous key."""

    def __init__(self, key: bytes, previous: Sequence[bytes] = ()) -> None:
        if len(key) != 32 or any(len(k) != 32 for k in previous):
            raise ValueError("FieldCipher needs 32-byte keys")
        self.key_id = key_id(key)
        self._sealer = AESGCM(key)
        self._openers = {key_id(k): AESGCM(k) for k in previous}
        self._openers[self.key_id] = self._sealer
        self.previous_key_ids = tuple(k for k in self._openers if k != self.key_id)

    @classmethod
    def from_setting(cls, value: str, previous: str = "") -> FieldCipher:
        """STATE_ENCRYPTION_KEY and the comma-separated STATE_ENCRYPTION_KEY_PREVIOUS."""
        older = [
            decode_key(v, "STATE_ENCRYPTION_KEY_PREVIOUS") for v in previous.split(",") if v.strip()
        ]
        return cls(decode_key(value), older)

    def seal(self, plaintext: bytes, *, context: bytes = b"") -> str:
        nonce = os.urandom(12)
        sealed = self._sealer.encrypt(nonce, plaintext, context)
        body = base64.urlsafe_b64encode(nonce + sealed).decode("ascii")
        return f"{_VERSION}.{self.key_id}.{body}"

    def open(self, token: str, *, context: bytes = b"") -> bytes:
        """Raises ValueError when the value was altered, or sealed under an unknown key or
        another context."""
        version, _, rest = token.partition(".")
        kid, _, body = rest.partition(".")
        if version != _VERSION or not body:
            raise ValueError("not a sealed field")
        opener = self._openers.get(kid)
        if opener is None:
            raise ValueError("sealed under a key that is no longer configured")
        try:
            raw = base64.urlsafe_b64decode(body.encode("ascii"))
        except (binascii.Error, ValueError, UnicodeEncodeError) as error:
            raise ValueError("sealed field is not valid base64") from error
        if len(raw) < 12 + 16:
            raise ValueError("sealed field is too short")
        try:
            return opener.decrypt(raw[:12], raw[12:], context)
        except InvalidTag as error:
            raise ValueError("sealed field failed authentication") from error
