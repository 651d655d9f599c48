"""FieldCipher: AES-GCM round trip, tamper and context detection, key setting validation."""

from __future__ import annotations

import base64
import os

import pytest

from runtime.cipher import FieldCipher


def test_sealed_field_opens_to_the_same_bytes_and_hides_them() -> None:
    cipher = FieldCipher(os.urandom(32))
    token = cipher.seal(b"jwt.secret.value", context=b"conv-1")
    assert "jwt.secret.value" not in token
    assert cipher.open(token, context=b"conv-1") == b"jwt.secret.value"
    assert cipher.seal(b"same") != cipher.seal(b"same")  # fresh nonce each time


def test_tampered_token_is_refused() -> None:
    cipher = FieldCipher(os.urandom(32))
    token = cipher.seal(b"secret")
    raw = bytearray(base64.urlsafe_b64decode(token[3:]))
    raw[-1] ^= 1
    with pytest.raises(ValueError, match="authentication"):
        cipher.open("v1." + base64.urlsafe_b64encode(bytes(raw)).decode())


def test_token_from_another_context_or_key_is_refused() -> None:
    key = os.urandom(32)
    token = FieldCipher(key).seal(b"secret", context=b"conv-1")
    with pytest.raises(ValueError):
        FieldCipher(key).open(token, context=b"conv-2")
    with pytest.raises(ValueError):
        FieldCipher(os.urandom(32)).open(token, context=b"conv-1")


def test_key_setting_accepts_standard_and_urlsafe_base64() -> None:
    key = bytes(range(200, 232))  # has bytes that differ between the two alphabets
    for text in (
        base64.b64encode(key).decode(),
        base64.urlsafe_b64encode(key).decode().rstrip("="),
    ):
        token = FieldCipher.from_setting(text).seal(b"x")
        assert FieldCipher(key).open(token) == b"x"


def test_bad_key_setting_names_the_variable_never_the_value() -> None:
    secret = base64.b64encode(os.urandom(16)).decode()
    with pytest.raises(ValueError) as error:
        FieldCipher.from_setting(secret)
    assert "STATE_ENCRYPTION_KEY" in str(error.value)
    assert secret not in str(error.value)
    with pytest.raises(ValueError, match="STATE_ENCRYPTION_KEY"):
        FieldCipher.from_setting("not base64 at all!!")
