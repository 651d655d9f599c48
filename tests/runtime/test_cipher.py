"""FieldCipher: AES-GCM round trip, tamper and context detection, key setting validation."""

from __future__ import annotations

import base64
import os

import pytest

from runtime.cipher import FieldCipher, key_id


def test_sealed_field_opens_to_the_same_bytes_and_hides_them() -> None:
    cipher = FieldCipher(os.urandom(32))
    token = cipher.seal(b"jwt.secret.value", context=b"conv-1")
    assert "jwt.secret.value" not in token
    assert cipher.open(token, context=b"conv-1") == b"jwt.secret.value"
    assert cipher.seal(b"same") != cipher.seal(b"same")  # fresh nonce each time


def test_tampered_token_is_refused() -> None:
    cipher = FieldCipher(os.urandom(32))
    token = cipher.seal(b"secret")
    version, kid, body = token.split(".")
    raw = bytearray(base64.urlsafe_b64decode(body))
    raw[-1] ^= 1
    with pytest.raises(ValueError, match="authentication"):
        cipher.open(f"{version}.{kid}." + base64.urlsafe_b64encode(bytes(raw)).decode())


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


def test_every_value_names_its_key_and_a_previous_key_still_opens_it() -> None:
    old, new = os.urandom(32), os.urandom(32)
    sealed_before = FieldCipher(old).seal(b"jwt", context=b"263771000001")
    assert sealed_before.split(".")[1] == key_id(old)
    rotated = FieldCipher(new, previous=[old])
    assert rotated.open(sealed_before, context=b"263771000001") == b"jwt"
    sealed_after = rotated.seal(b"jwt", context=b"263771000001")
    assert sealed_after.split(".")[1] == key_id(new) == rotated.key_id
    assert rotated.previous_key_ids == (key_id(old),)
    # Once the old key is dropped from STATE_ENCRYPTION_KEY_PREVIOUS, its values no longer open.
    with pytest.raises(ValueError, match="no longer configured"):
        FieldCipher(new).open(sealed_before, context=b"263771000001")


def test_previous_keys_come_from_a_comma_separated_setting() -> None:
    a, b, c = (os.urandom(32) for _ in range(3))
    text = ",".join(base64.b64encode(k).decode() for k in (b, c))
    cipher = FieldCipher.from_setting(base64.b64encode(a).decode(), text)
    assert cipher.key_id == key_id(a)
    assert set(cipher.previous_key_ids) == {key_id(b), key_id(c)}
    with pytest.raises(ValueError, match="STATE_ENCRYPTION_KEY_PREVIOUS"):
        FieldCipher.from_setting(base64.b64encode(a).decode(), "short")
