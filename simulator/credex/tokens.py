"""HS256 JWTs as credex-core issues them: `memberID`, `iat`, `lastActivity`, no `exp`
(docs/credex-core-api.md §3.1).

Written with hmac + hashlib + base64 so the simulator needs no JWT library.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac

import attrs
import orjson

_HEADER = base64.urlsafe_b64encode(orjson.dumps({"alg": "HS256", "typ": "JWT"})).rstrip(b"=")


@attrs.frozen
class Claims:
    member_id: str
    issued_at: int  # iat, seconds
    last_activity: int  # seconds; the idle timeout counts from here


class InvalidToken(ValueError):
    """Malformed, wrongly signed, or missing a claim."""


def _b64(data: bytes) -> bytes:
    return base64.urlsafe_b64encode(data).rstrip(b"=")


def _unb64(data: str) -> bytes:
    return base64.urlsafe_b64decode(data + "=" * (-len(data) % 4))


def sign(claims: Claims, secret: str) -> str:
    payload = _b64(
        orjson.dumps(
            {
                "memberID": claims.member_id,
                "iat": claims.issued_at,
                "lastActivity": claims.last_activity,
            }
        )
    )
    signing_input = _HEADER + b"." + payload
    signature = hmac.new(secret.encode(), signing_input, hashlib.sha256).digest()
    return (signing_input + b"." + _b64(signature)).decode("ascii")


def verify(token: str, secret: str) -> Claims:
    parts = token.split(".")
    if len(parts) != 3:
        raise InvalidToken("token must have three parts")
    header, payload, signature = parts
    expected = hmac.new(
        secret.encode(), f"{header}.{payload}".encode("ascii", "replace"), hashlib.sha256
    ).digest()
    try:
        given = _unb64(signature)
        algorithm = orjson.loads(_unb64(header)).get("alg")
        body = orjson.loads(_unb64(payload))
    except (binascii.Error, ValueError, AttributeError) as error:
        raise InvalidToken("token is not base64url JSON") from error
    if not isinstance(body, dict):
        raise InvalidToken("payload is not an object")
    # Constant-time comparison, and only HS256: a token naming "none" is not a signed token.
    if algorithm != "HS256" or not hmac.compare_digest(given, expected):
        raise InvalidToken("bad signature")
    member_id, iat, last = body.get("memberID"), body.get("iat"), body.get("lastActivity")
    if not isinstance(member_id, str) or not isinstance(iat, int) or not isinstance(last, int):
        raise InvalidToken("missing claims")
    return Claims(member_id=member_id, issued_at=iat, last_activity=last)
