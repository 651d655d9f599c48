"""The /api/* bearer tokens are PyJWT HS256 tokens: alg none, other algorithms, a wrong key,
expiry past the leeway, an `iat` in the future and missing claims are all refused."""

from __future__ import annotations

import time
from typing import Any

import jwt
import pytest

from gateway.security import LEEWAY_SECONDS, InvalidToken, issue_token, verify_token

SECRET = "jwt-secret-0123456789abcdef-0123456789"


def _claims(**changes: Any) -> dict[str, Any]:
    now = int(time.time())
    claims: dict[str, Any] = {"sub": "credex-core", "iat": now, "exp": now + 600}
    claims.update(changes)
    return {k: v for k, v in claims.items() if v is not None}


def test_issued_token_is_a_standard_hs256_jwt() -> None:
    token = issue_token(SECRET, "credex-core", 600)
    assert jwt.get_unverified_header(token) == {"alg": "HS256", "typ": "JWT"}
    decoded = jwt.decode(token, SECRET, algorithms=["HS256"])
    assert decoded["sub"] == "credex-core" and decoded["exp"] - decoded["iat"] == 600
    assert verify_token(SECRET, token).subject == "credex-core"


@pytest.mark.parametrize(
    "forged",
    [
        pytest.param(lambda: jwt.encode(_claims(), None, algorithm="none"), id="alg-none"),
        pytest.param(lambda: jwt.encode(_claims(), SECRET, algorithm="HS512"), id="alg-hs512"),
        pytest.param(lambda: jwt.encode(_claims(), "another-key-" * 4), id="wrong-key"),
        pytest.param(
            lambda: jwt.encode(_claims(exp=int(time.time()) - LEEWAY_SECONDS - 5), SECRET),
            id="expired",
        ),
        pytest.param(
            lambda: jwt.encode(_claims(iat=int(time.time()) + LEEWAY_SECONDS + 60), SECRET),
            id="issued-in-the-future",
        ),
        pytest.param(lambda: jwt.encode(_claims(exp=None), SECRET), id="no-exp"),
        pytest.param(lambda: jwt.encode(_claims(iat=None), SECRET), id="no-iat"),
        pytest.param(lambda: jwt.encode(_claims(sub=None), SECRET), id="no-sub"),
        pytest.param(lambda: "not.a.jwt", id="garbage"),
    ],
)
def test_forged_or_incomplete_tokens_are_refused(forged: Any) -> None:
    with pytest.raises(InvalidToken):
        verify_token(SECRET, forged())


def test_a_token_just_expired_within_the_stated_leeway_is_accepted() -> None:
    # Clock skew between credex-core and us must not turn a fresh token into a 401.
    token = jwt.encode(_claims(exp=int(time.time()) - LEEWAY_SECONDS // 2), SECRET)
    assert verify_token(SECRET, token).subject == "credex-core"
