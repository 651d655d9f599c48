"""AES-GCM encryption of marked session fields (STATE_ENCRYPTION_KEY), e.g. credex-core JWTs."""

from __future__ import annotations

import base64
import binascii
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

_VERSION = "v1."  # lets a later key rotation tell old tokens from new ones


class FieldCipher:
    """Seals bytes into a text token; `context` binds a token to where it belongs (for example
    the conversation), so a token copied into another session does not open."""

    def __init__(self, key: bytes) -> None:
        if len(key) != 32:
            raise ValueError("FieldCipher needs a 32-byte key")
        self._aead = AESGCM(key)

    @classmethod
    def from_setting(cls, value: str) -> FieldCipher:
        """Decode STATE_ENCRYPTION_KEY (standard or URL-safe base64 of 32 bytes)."""
        text = value.strip()
        padded = (text + "=" * (-len(text) % 4)).encode("ascii", errors="replace")
        candidates = []
        for alphabet in (b"+/", b"-_"):
            try:
                candidates.append(base64.b64decode(padded, altchars=alphabet, validate=True))
            except (binascii.Error, ValueError):
                continue
        for key in candidates:
            if len(key) == 32:
                return cls(key)
        # Never echo the value: it is a secret, and it may be half right.
        raise ValueError("STATE_ENCRYPTION_KEY must be base64 (or URL-safe base64) of 32 bytes")

    def seal(self, plaintext: bytes, *, context: bytes = b"") -> str:
        nonce = os.urandom(12)
        sealed = self._aead.encrypt(nonce, plaintext, context)
        return _VERSION + base64.urlsafe_b64encode(nonce + sealed).decode("ascii")

    def open(self, token: str, *, context: bytes = b"") -> bytes:
        """Raises ValueError when the token was altered, sealed under another key or context."""
        if not token.startswith(_VERSION):
            raise ValueError("not a sealed field")
        try:
            raw = base64.urlsafe_b64decode(token[len(_VERSION) :].encode("ascii"))
        except (binascii.Error, ValueError, UnicodeEncodeError) as error:
            raise ValueError("sealed field is not valid base64") from error
        if len(raw) < 12 + 16:
            raise ValueError("sealed field is too short")
        try:
            return self._aead.decrypt(raw[:12], raw[12:], context)
        except InvalidTag as error:
            raise ValueError("sealed field failed authentication") from error
