"""The session snapshot codec: `Session` <-> orjson bytes, stored by the runtime in Redis.

Every attrs value is written with a `$t` tag naming its class, decimals and dates as tagged
strings (`actors/codec.py`), so decoding needs no schema walk. A snapshot that cannot be
decoded (corrupt, or from an older schema) yields None and the conversation starts fresh
rather than failing the user.
"""

from __future__ import annotations

from actors import session as model
from actors.codec import Codec, Undecodable
from actors.failure import Failure

CODEC = Codec(
    "$t",
    {
        cls.__name__: cls
        for cls in (
            model.Session,
            model.Identity,
            model.Home,
            model.OnboardWelcome,
            model.OnboardFirstName,
            model.OnboardLastName,
            model.OnboardConfirm,
            model.OfferForm,
            model.QuickLine,
            model.QuickLookup,
            model.CancelConfirm,
            model.AccountForm,
            model.MemberForm,
            model.AskYesNo,
            model.PayRequest,
            model.PayAmount,
            model.DraftOffer,
            model.Draft,
            Failure,
        )
    },
)


def encode(session: model.Session) -> bytes:
    return CODEC.encode(session)


def decode(payload: bytes | None) -> model.Session | None:
    """The stored session, or None when there is none or it cannot be read."""
    if payload is None:
        return None
    try:
        value = CODEC.decode(payload, model.Session)
    except Undecodable:
        return None
    if not isinstance(value, model.Session) or value.version != model.SCHEMA_VERSION:
        return None
    return value
