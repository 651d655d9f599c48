"""The session snapshot survives a round trip through bytes; unreadable snapshots start fresh."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from actors import snapshot
from actors.failure import Failure
from actors.session import Draft, DraftOffer, OfferForm, QuickLine, QuickLookup, Session
from tests.actors.views import logged_in


def test_a_session_with_a_form_and_a_draft_round_trips() -> None:
    offer = DraftOffer(
        Decimal("0.125"), "CXX", "bob", "acc-bob", "Bob", False, dt.date(2026, 4, 1),
        failure=Failure("limit", "only able to issue 1.00 USD", left_today="1.00 USD"),
    )  # fmt: skip
    form = OfferForm(secured=False, step="due", amount=Decimal("5.10"), denomination="USD")
    session = Session(
        phone="263771000001",
        identity=logged_in().identity,
        screen=form,
        draft=Draft("abc", (offer,), state="submitting", from_form=form),
        sent_drafts=("x", "y"),
        last_active=1234.5,
    )
    assert snapshot.decode(snapshot.encode(session)) == session


def test_quick_lookup_round_trips() -> None:
    line = QuickLine(Decimal(2), "USD", "bob", True, None, problem="unknown_handle")
    session = Session(screen=QuickLookup((line, line)))
    assert snapshot.decode(snapshot.encode(session)) == session


def test_corrupt_or_foreign_snapshots_start_fresh() -> None:
    assert snapshot.decode(None) is None
    assert snapshot.decode(b"not json") is None
    assert snapshot.decode(b'{"$t": "Nope"}') is None
    assert snapshot.decode(b'{"$t": "Session", "version": 99}') is None
