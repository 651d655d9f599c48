"""HS256 tokens written with the standard library (docs/credex-core-api.md §3.1)."""

import base64

import orjson
import pytest

from simulator.credex.tokens import Claims, InvalidToken, sign, verify

CLAIMS = Claims("00000000-0000-4000-8000-000000000001", 1_600_000_000, 1_600_000_100)


def test_signed_token_verifies_to_the_same_claims() -> None:
    assert verify(sign(CLAIMS, "s3cret"), "s3cret") == CLAIMS


def test_token_is_a_standard_hs256_jwt() -> None:
    header, payload, _ = sign(CLAIMS, "s3cret").split(".")
    assert orjson.loads(base64.urlsafe_b64decode(header + "==")) == {"alg": "HS256", "typ": "JWT"}
    body = orjson.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    assert body == {
        "memberID": CLAIMS.member_id,
        "iat": 1_600_000_000,
        "lastActivity": 1_600_000_100,
    }


def test_token_signed_with_another_secret_is_invalid() -> None:
    with pytest.raises(InvalidToken):
        verify(sign(CLAIMS, "other"), "s3cret")


def test_tampered_payload_is_invalid() -> None:
    header, _, signature = sign(CLAIMS, "s3cret").split(".")
    forged = base64.urlsafe_b64encode(
        orjson.dumps({"memberID": "someone-else", "iat": 1, "lastActivity": 1})
    ).rstrip(b"=")
    with pytest.raises(InvalidToken):
        verify(f"{header}.{forged.decode()}.{signature}", "s3cret")


@pytest.mark.parametrize("token", ["", "a.b", "not.a.token", "....."])
def test_garbage_is_invalid(token: str) -> None:
    with pytest.raises(InvalidToken):
        verify(token, "s3cret")
