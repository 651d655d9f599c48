"""The `X-Hub-Signature-256` check on webhook deliveries (docs/whatsapp-cloud-api.md §A1).

Meta signs the exact bytes it sends with the App Secret; we verify over the raw body, before any
parsing, so re-encoding (emoji, escaping, key order) can never break or bypass the check.
"""

from __future__ import annotations

import enum
import hashlib
import hmac
import re

_PREFIX = "sha256="
# Lowercase or uppercase hex, exactly 64 digits, as Typebot's production check requires (§A1).
_HEX64 = re.compile(r"[0-9a-fA-F]{64}")


class SignatureVerdict(enum.Enum):
    VALID = "valid"
    MISSING = "missing"  # answered 401
    MALFORMED = "malformed"  # answered 401
    MISMATCH = "mismatch"  # answered 403


def sign(body: bytes, app_secret: str) -> str:
    """The header value Meta would send for `body` (used by tests and the simulator)."""
    digest = hmac.new(app_secret.encode(), body, hashlib.sha256).hexdigest()
    return _PREFIX + digest


def header_verdict(header: str | None) -> SignatureVerdict | None:
    """MISSING or MALFORMED from the header alone, None when it is well formed: lets the webhook
    refuse an unsigned POST before reading (and buffering) its body."""
    if header is None or header == "":
        return SignatureVerdict.MISSING
    if not header.startswith(_PREFIX) or _HEX64.fullmatch(header[len(_PREFIX) :]) is None:
        return SignatureVerdict.MALFORMED
    return None


def check_signature(body: bytes, header: str | None, app_secret: str) -> SignatureVerdict:
    refused = header_verdict(header)
    if refused is not None or header is None:
        return refused or SignatureVerdict.MISSING
    given = bytes.fromhex(header[len(_PREFIX) :])
    expected = hmac.new(app_secret.encode(), body, hashlib.sha256).digest()
    if hmac.compare_digest(given, expected):
        return SignatureVerdict.VALID
    return SignatureVerdict.MISMATCH
