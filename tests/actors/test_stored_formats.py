"""Data already in Redis reads after a deploy: sessions tagged `$t`, outbox replies and inbox
events tagged `_type`, exactly as the bot wrote them before the codecs became one
(`actors/codec.py`). The payloads below were written by that earlier code."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from actors import events, replies, snapshot
from actors import session as model
from actors.codec import Codec, Undecodable
from actors.failure import Failure
from actors.replies import (
    Button,
    ButtonsMessage,
    Document,
    DocumentReply,
    ListMessage,
    Outbound,
    Row,
    Section,
    TemplateReply,
)

SESSION_WITH_FORM = (
    b'{"$t":"Session","version":1,"phone":"263771234567","identity":null,"screen":{"$t":'
    b'"OfferForm","secured":false,"step":"due","amount":{"$d":"2.50"},"denomination":"USD",'
    b'"handle":"rudo","receiver_id":null,"receiver_name":null,"due_date":{"$date":"2026-03-24"}}'
    b',"draft":null,"sent_drafts":[],"last_active":null,"chosen_account":null,"pending_pay":'
    b'null,"listed_in":[],"credex_token":null}'
)
SESSION_WITH_DRAFT = (
    b'{"$t":"Session","version":1,"phone":"263771234567","identity":null,"screen":{"$t":"Home",'
    b'"rows":["offer:in:c1","offer:in:c2"],"first":1,"next_id":"offers:in:page:2",'
    b'"previous_id":"","back_id":"","page_id":""},"draft":{"$t":"Draft","draft_id":"d1",'
    b'"offers":[{"$t":"DraftOffer","amount":{"$d":"5"},"denomination":"USD","handle":"bob",'
    b'"receiver_id":"acc-bob","receiver_name":"Bob Banda","secured":true,"due_date":null,'
    b'"credex_id":null,"failure":{"$t":"Failure","kind":"limit","message":"Only 2.00 USD '
    b'today.","outcome_unknown":false,"left_today":"2.00 USD","securable":null}}],"state":'
    b'"awaiting_confirmation","from_form":null,"pending_before":[],"settles_at":null},'
    b'"sent_drafts":["d0"],"last_active":1767225600.5,"chosen_account":null,"pending_pay":null,'
    b'"listed_in":[],"credex_token":null}'
)
BUTTONS_WITH_FALLBACK = (
    b'{"to":"263771234567","id":"1-0","reply":{"body":"Send it?","buttons":[{"id":"confirm:abc",'
    b'"title":"\xe2\x9c\x85 Send"},{"id":"discard:abc","title":"Cancel"}],"header":"Offer",'
    b'"footer":null,"_type":"buttons"},"fallback":{"name":"offer_notice","language":"en",'
    b'"body_params":["Rudo"],"_type":"template"}}'
)
LIST = (
    b'{"to":"u1","id":"2-0","reply":{"body":"Pick","button_label":"Open","sections":[{"title":'
    b'"Offers","rows":[{"id":"offer:in:c1","title":"5 USD","description":"from Bob"}]}],'
    b'"header":null,"footer":"f","_type":"list"},"fallback":null}'
)
DOCUMENT = (
    b'{"to":"u1","id":"3-0","reply":{"filename":"s.pdf","caption":"Your statement","document":'
    b'{"title":"Statement","heading":["Rudo"],"columns":["Date","Amount"],"rows":[["2026-03-01",'
    b'"5.00"]],"totals":["Total 5.00"],"notes":["note"]},"_type":"document"},"fallback":null}'
)
BUTTON_TAP = (
    b'{"id":"wamid.1","phone":"263771234567","name":"Rudo","at":1767225600,"content":{"id":'
    b'"accept:c1","title":"\xe2\x9c\x85 Accept","_type":"button"}}'
)
LIST_PICK = (
    b'{"id":"wamid.2","phone":null,"name":null,"at":1767225601,"content":{"id":"ledger:page:2",'
    b'"title":"Next","description":"Page 2","_type":"list"}}'
)


def test_a_stored_session_with_a_form_still_reads() -> None:
    session = snapshot.decode(SESSION_WITH_FORM)
    assert session == model.Session(
        phone="263771234567",
        screen=model.OfferForm(
            secured=False,
            step="due",
            amount=Decimal("2.50"),
            denomination="USD",
            handle="rudo",
            due_date=dt.date(2026, 3, 24),
        ),
    )


def test_a_stored_session_with_a_draft_still_reads_and_writes_back_the_same() -> None:
    session = snapshot.decode(SESSION_WITH_DRAFT)
    assert session is not None and session.draft is not None
    (offer,) = session.draft.offers
    assert offer.amount == Decimal(5)
    assert offer.failure == Failure("limit", "Only 2.00 USD today.", left_today="2.00 USD")
    assert session.screen == model.Home(
        rows=("offer:in:c1", "offer:in:c2"), next_id="offers:in:page:2"
    )
    assert session.last_active == 1767225600.5
    assert snapshot.decode(snapshot.encode(session)) == session


def test_stored_outbox_replies_still_read() -> None:
    assert replies.decode(BUTTONS_WITH_FALLBACK) == Outbound(
        to="263771234567",
        reply=ButtonsMessage(
            "Send it?",
            (Button("confirm:abc", "✅ Send"), Button("discard:abc", "Cancel")),
            header="Offer",
        ),
        reply_id="1-0",
        fallback=TemplateReply("offer_notice", body_params=("Rudo",)),
    )
    listed = replies.decode(LIST)
    assert listed.reply == ListMessage(
        "Pick", "Open", (Section("Offers", (Row("offer:in:c1", "5 USD", "from Bob"),)),), footer="f"
    )
    document = replies.decode(DOCUMENT).reply
    assert document == DocumentReply(
        "s.pdf",
        "Your statement",
        Document(
            "Statement",
            ("Rudo",),
            ("Date", "Amount"),
            (("2026-03-01", "5.00"),),
            ("Total 5.00",),
            ("note",),
        ),
    )


@pytest.mark.parametrize("payload", [BUTTONS_WITH_FALLBACK, LIST, DOCUMENT])
def test_a_reply_written_now_reads_back_as_the_stored_one(payload: bytes) -> None:
    stored = replies.decode(payload)
    assert replies.decode(replies.encode(stored)) == stored


def test_stored_inbox_events_still_read() -> None:
    tap = events.decode(BUTTON_TAP)
    assert tap == events.Inbound(
        "wamid.1", "263771234567", "Rudo", 1767225600, events.ButtonTapped("accept:c1", "✅ Accept")
    )
    pick = events.decode(LIST_PICK)
    assert pick.content == events.ListPicked("ledger:page:2", "Next", "Page 2")
    assert pick.phone is None
    assert events.decode(events.encode(tap)) == tap


def test_the_wire_tags_are_the_ones_already_stored() -> None:
    assert b'"_type":"button"' in events.encode(events.decode(BUTTON_TAP))
    assert b'"_type":"buttons"' in replies.encode(replies.decode(BUTTONS_WITH_FALLBACK))
    assert b'"$t":"Session"' in snapshot.encode(model.Session())


def test_an_unknown_tag_is_undecodable_not_a_crash() -> None:
    assert snapshot.decode(SESSION_WITH_FORM.replace(b'"OfferForm"', b'"Spaceship"')) is None
    with pytest.raises(events.UndecodableEvent):
        events.decode(BUTTON_TAP.replace(b'"button"', b'"hologram"'))
    with pytest.raises(Undecodable):
        Codec("_type", {"buttons": ButtonsMessage}).decode(b'{"_type":"list"}')


def test_one_name_per_class() -> None:
    with pytest.raises(ValueError, match="one name per class"):
        Codec("_type", {"a": Button, "b": Button})


def test_a_stored_reply_keeps_the_trace_of_the_message_it_answers() -> None:
    traced = LIST.replace(
        b'"fallback":null}', b'"fallback":null,"trace":{"traceparent":"00-ab-cd-01"}}'
    )
    out = replies.decode(traced)
    assert out.trace_context == {"traceparent": "00-ab-cd-01"}
    assert replies.decode(replies.encode(out)) == out
    assert replies.decode(LIST).trace_context == {}
