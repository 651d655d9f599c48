"""The limit-safe builders: no payload they return breaks a Cloud API limit (G8)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from actors.replies import (
    Button,
    ButtonsMessage,
    ListMessage,
    Row,
    Section,
    TemplateReply,
    TextReply,
)
from gateway.whatsapp import limits
from gateway.whatsapp.limits import units, violations
from gateway.whatsapp.outbound import (
    DoesNotFit,
    Overflow,
    Payload,
    build,
    distinct_titles,
    fit,
    split_text,
)

TO = "263771234567"


def assert_valid(payload: Payload) -> None:
    problems = violations(payload)
    if problems:
        raise AssertionError(f"payload breaks Cloud API limits: {problems}: {payload}")


# Emoji (astral, 2 UTF-16 units), combining marks, spaces and newlines make edges likely.
chars = st.characters(codec="utf-8") | st.sampled_from(
    ["🙏", "🏿", "\n", " ", "é", "x", "*", "\u200d"]
)
text = st.text(chars, max_size=60)
long_text = st.text(chars, max_size=6000)
ids = st.text(st.characters(min_codepoint=33, max_codepoint=0x1F600), min_size=1, max_size=220)


def test_long_text_is_split_at_line_boundaries_into_valid_messages() -> None:
    lines = [f"{n:04d} " + "credex " * 20 for n in range(100)]
    payloads = build(TO, TextReply("\n".join(lines)))
    assert len(payloads) > 1
    for p in payloads:
        assert_valid(p)
        for line in p["text"]["body"].split("\n"):
            assert line in lines  # no line was cut in two
    joined = "\n".join(p["text"]["body"] for p in payloads)
    assert joined == "\n".join(lines)


def test_a_single_line_longer_than_the_limit_is_cut_at_a_space() -> None:
    body = "word " * 2000
    chunks = split_text(body)
    assert all(units(c) <= limits.TEXT_BODY for c in chunks)
    assert all(not c.endswith("wor") for c in chunks)
    assert "".join(chunks).replace(" ", "") == body.replace(" ", "")


def test_titles_are_shortened_with_an_ellipsis_and_stay_distinct() -> None:
    titles = ["Checking account ••4411", "Checking account ••4412", "Checking account ••4413"]
    short = distinct_titles(titles, limits.BUTTON_TITLE)
    assert len(set(short)) == 3
    assert all(units(t) <= limits.BUTTON_TITLE for t in short)
    assert short[0] == "Checking account ••…"
    assert short[1].endswith("…2") and short[2].endswith("…3")


def test_equal_input_titles_become_distinct() -> None:
    assert len(set(distinct_titles(["Yes", "Yes", "Yes"], 20))) == 3


def test_fit_counts_emoji_as_two_units() -> None:
    assert units(fit("🙏" * 30, 20)) <= 20


def test_buttons_payload_matches_the_cloud_api_shape() -> None:
    reply = ButtonsMessage(
        "Accept $5 from Bob?",
        (Button("accept:1", "Accept"), Button("decline:1", "Decline")),
        header="Offer",
        footer="credex",
    )
    [payload] = build(TO, reply)
    assert payload["type"] == "interactive"
    inter = payload["interactive"]
    assert inter["type"] == "button"
    assert inter["action"]["buttons"][0] == {
        "type": "reply",
        "reply": {"id": "accept:1", "title": "Accept"},
    }
    assert inter["header"] == {"type": "text", "text": "Offer"}
    assert_valid(payload)


def test_more_than_three_buttons_become_a_list() -> None:
    reply = ButtonsMessage("Pick", tuple(Button(f"b{i}", f"Choice {i}") for i in range(5)))
    [payload] = build(TO, reply)
    assert payload["interactive"]["type"] == "list"
    assert_valid(payload)


def test_interactive_body_over_1024_is_sent_as_text_first() -> None:
    reply = ButtonsMessage("line\n" * 500, (Button("ok", "OK"),))
    payloads = build(TO, reply)
    assert [p["type"] for p in payloads] == ["text", "text", "interactive"]
    for p in payloads:
        assert_valid(p)


def test_more_than_ten_rows_are_paged_or_refused_by_choice() -> None:
    rows = tuple(Row(f"offer:{i}", f"Offer {i}", "$5 from Bob") for i in range(23))
    reply = ListMessage(
        "Pending offers",
        "View offers",
        (Section("Incoming", rows[:15]), Section("Outgoing", rows[15:])),
    )
    pages = build(TO, reply, Overflow.PAGE)
    assert len(pages) == 3
    seen = [
        r["id"] for p in pages for s in p["interactive"]["action"]["sections"] for r in s["rows"]
    ]
    assert seen == [r.id for r in rows]
    for p in pages:
        assert_valid(p)
    with pytest.raises(DoesNotFit):
        build(TO, reply, Overflow.RAISE)


@pytest.mark.parametrize("bad_id", ["", " padded", "x" * 201])
def test_row_ids_that_do_not_fit_are_refused_never_cut(bad_id: str) -> None:
    with pytest.raises(DoesNotFit):
        build(TO, ListMessage("b", "l", (Section("s", (Row(bad_id, "t"),)),)))


def test_duplicate_button_ids_are_refused() -> None:
    with pytest.raises(DoesNotFit):
        build(TO, ButtonsMessage("b", (Button("same", "A"), Button("same", "B"))))


def test_template_params_are_flattened_for_meta() -> None:
    [payload] = build(
        TO,
        TemplateReply(
            "incoming_notification", "en_US", ("Bob\nSmith", "You have\tan   offer      here")
        ),
    )
    params = payload["template"]["components"][0]["parameters"]
    assert [p["text"] for p in params] == ["Bob Smith", "You have an offer here"]
    assert payload["template"]["language"] == {"code": "en_US"}
    assert_valid(payload)


def test_validator_catches_each_broken_limit() -> None:
    good = build(TO, ListMessage("b", "label", (Section("s", (Row("r", "t", "d"),)),)))[0]
    assert violations(good) == []
    broken = build(TO, ListMessage("b", "label", (Section("s", (Row("r", "t", "d"),)),)))[0]
    broken["interactive"]["action"]["sections"][0]["rows"][0]["title"] = "x" * 25
    broken["interactive"]["action"]["button"] = "y" * 21
    broken["interactive"]["body"]["text"] = "z" * 1025
    assert len(violations(broken)) == 3


def _valid_or_expected_refusal(reply: object, overflow: Overflow) -> None:
    try:
        payloads = build(TO, reply, overflow)  # type: ignore[arg-type]
    except DoesNotFit:
        return
    assert payloads
    for p in payloads:
        assert violations(p) == [], p


@settings(max_examples=150, deadline=None)
@given(long_text)
def test_property_any_text_becomes_valid_payloads_or_is_refused_when_blank(body: str) -> None:
    try:
        payloads = build(TO, TextReply(body))
    except DoesNotFit:
        assert not body.strip()
        return
    for p in payloads:
        assert violations(p) == []


@settings(max_examples=150, deadline=None)
@given(
    body=long_text,
    titles=st.lists(text, min_size=1, max_size=6),
    id_base=ids,
    header=st.none() | text,
    footer=st.none() | text,
    overflow=st.sampled_from(Overflow),
)
def test_property_buttons_always_valid(
    body: str,
    titles: list[str],
    id_base: str,
    header: str | None,
    footer: str | None,
    overflow: Overflow,
) -> None:
    buttons = tuple(Button(f"{id_base.strip() or 'b'}{i}", t) for i, t in enumerate(titles))
    _valid_or_expected_refusal(ButtonsMessage(body, buttons, header, footer), overflow)


@settings(max_examples=150, deadline=None)
@given(
    body=long_text,
    label=text,
    sections=st.lists(
        st.tuples(text, st.lists(st.tuples(text, text), max_size=8)), min_size=1, max_size=12
    ),
    header=st.none() | text,
    footer=st.none() | text,
    overflow=st.sampled_from(Overflow),
)
def test_property_lists_always_valid(
    body: str,
    label: str,
    sections: list[tuple[str, list[tuple[str, str]]]],
    header: str | None,
    footer: str | None,
    overflow: Overflow,
) -> None:
    n = 0
    built = []
    for title, rows in sections:
        made = []
        for row_title, description in rows:
            made.append(Row(f"row:{n}", row_title, description))
            n += 1
        built.append(Section(title, tuple(made)))
    _valid_or_expected_refusal(ListMessage(body, label, tuple(built), header, footer), overflow)


@settings(max_examples=100, deadline=None)
@given(
    name=st.sampled_from(["incoming_notification", "offer_received"]),
    params=st.lists(long_text, max_size=3),
)
def test_property_templates_always_valid(name: str, params: list[str]) -> None:
    [payload] = build(TO, TemplateReply(name, "en_US", tuple(params)))
    assert violations(payload) == []
