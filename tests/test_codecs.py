"""The two codecs that cross process boundaries (inbox payloads, outbox items) round-trip
every kind of value exactly (hypothesis over all kinds)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from actors import events, replies

text = st.text(max_size=40)

contents = st.one_of(
    st.builds(events.Text, body=text),
    st.builds(events.ButtonTapped, id=text, title=text),
    st.builds(events.ListPicked, id=text, title=text, description=text),
    st.builds(events.FlowReply, response_json=text),
    st.builds(events.Reaction, emoji=text, message_id=text),
    st.builds(events.Other, kind=text),
    st.builds(events.Notification, member_name=text, message=text),
)
inbound = st.builds(
    events.Inbound,
    message_id=text,
    phone=st.none() | text,
    profile_name=st.none() | text,
    at=st.integers(min_value=0, max_value=2**40),
    content=contents,
)
buttons = st.lists(st.builds(replies.Button, id=text, title=text), max_size=3).map(tuple)
sections = st.lists(
    st.builds(
        replies.Section,
        title=text,
        rows=st.lists(
            st.builds(replies.Row, id=text, title=text, description=text), max_size=3
        ).map(tuple),
    ),
    max_size=3,
).map(tuple)
templates = st.builds(
    replies.TemplateReply, name=text, language=text, body_params=st.lists(text).map(tuple)
)
reply_values = st.one_of(
    st.builds(replies.TextReply, body=text),
    st.builds(
        replies.ButtonsMessage,
        body=text,
        buttons=buttons,
        header=st.none() | text,
        footer=st.none() | text,
    ),
    st.builds(
        replies.ListMessage,
        body=text,
        button_label=text,
        sections=sections,
        header=st.none() | text,
        footer=st.none() | text,
    ),
    templates,
    st.builds(replies.QrImageReply, link=text, caption=text),
    st.builds(
        replies.DocumentReply,
        filename=text,
        caption=text,
        document=st.builds(
            replies.Document,
            title=text,
            heading=st.lists(text, max_size=3).map(tuple),
            columns=st.lists(text, max_size=5).map(tuple),
            rows=st.lists(st.lists(text, max_size=5).map(tuple), max_size=4).map(tuple),
            totals=st.lists(text, max_size=3).map(tuple),
            notes=st.lists(text, max_size=2).map(tuple),
        ),
    ),
)
outbound = st.builds(
    replies.Outbound,
    to=text,
    reply=reply_values,
    reply_id=text,
    fallback=st.none() | templates,
    trace_context=st.dictionaries(text, text, max_size=2),
)


@settings(max_examples=300)
@given(inbound)
def test_every_inbound_event_kind_round_trips(event: events.Inbound) -> None:
    assert events.decode(events.encode(event)) == event


@settings(max_examples=300)
@given(outbound)
def test_every_outbound_reply_kind_round_trips(out: replies.Outbound) -> None:
    assert replies.decode(replies.encode(out)) == out


def test_an_outbox_item_written_before_replies_carried_their_trace_still_decodes() -> None:
    item = b'{"to":"263771000001","id":"wamid.1:0","reply":{"body":"hi","_type":"text"}}'
    out = replies.decode(item)
    assert out.reply == replies.TextReply("hi") and out.trace_context == {}
    assert b"trace" not in replies.encode(out)  # no trace, no field: the item stays as it was


def test_other_kind_field_does_not_clash_with_the_codec() -> None:
    event = events.Inbound("wamid.1", "263771000001", None, 1, events.Other(kind="image"))
    assert events.decode(events.encode(event)).content == events.Other(kind="image")
