"""One message per turn: notes fold into the screen that follows, within the Cloud API limits."""

from __future__ import annotations

from actors.intents import navigation as navigation_ids
from actors.notes import fold
from actors.replies import (
    Button,
    ButtonsMessage,
    ListMessage,
    Row,
    Section,
    TemplateReply,
    TextReply,
)

MENU = ListMessage(
    "Good morning", "Options", (Section("Menu", (Row(navigation_ids.MENU, "Menu"),)),)
)


def test_a_note_before_a_screen_becomes_part_of_its_body() -> None:
    (one,) = fold([TextReply("👌 Cancelled."), MENU])
    assert isinstance(one, ListMessage) and one.body == "👌 Cancelled.\n\nGood morning"
    assert one.notes == "👌 Cancelled."  # kept apart too: a stale screen still says it
    assert one.sections == MENU.sections


def test_several_notes_fold_together_in_order() -> None:
    buttons = ButtonsMessage("Pick one", (Button("a", "A"),))
    (one,) = fold([TextReply("first"), TextReply("second"), buttons])
    assert isinstance(one, ButtonsMessage) and one.body == "first\n\nsecond\n\nPick one"


def test_a_note_that_would_break_the_1024_body_limit_stays_its_own_message() -> None:
    long_note = TextReply("x" * 1011)  # 1011 + 2 + 12 = 1025
    out = fold([long_note, MENU])
    assert out == (long_note, MENU)


def test_texts_alone_join_up_to_4096_and_split_beyond() -> None:
    assert fold([TextReply("a"), TextReply("b")]) == (TextReply("a\n\nb"),)
    big = TextReply("y" * 3000)
    assert fold([big, big]) == (big, big)


def test_templates_and_screens_without_notes_are_left_alone() -> None:
    template = TemplateReply("incoming_notification")
    assert fold([template, MENU]) == (template, MENU)
    assert fold([MENU, TextReply("after")]) == (MENU, TextReply("after"))
