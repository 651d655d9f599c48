"""A push from /api/notify reaches the user through the conversation, with a template to fall
back on when the 24-hour window is closed."""

from __future__ import annotations

from actors import replies
from actors.events import Notification, Text
from actors.intents import pending as pending_ids
from actors.replies import ButtonsMessage, Outbound, TemplateReply
from tests.actors.chat import Chat, Context


async def _turn(chat: Chat, content: Notification | Text) -> list[Outbound]:
    envelope = chat.envelope(content)
    turn = await chat.handler.handle(Context(envelope.key), None, envelope)
    return [replies.decode(item) for item in turn.replies]


async def test_pushed_offer_notification_offers_a_button_and_carries_its_template(
    chat: Chat,
) -> None:
    first, *rest = await _turn(chat, Notification("Rudo", "You have a new offer of 5.00 USD"))
    assert isinstance(first.reply, ButtonsMessage)
    assert "new offer of 5.00 USD" in first.reply.body
    assert [b.id for b in first.reply.buttons] == [pending_ids.pending_page("in", 1)]
    assert first.fallback == TemplateReply(
        "incoming_notification", "en_US", ("Rudo", "You have a new offer of 5.00 USD")
    )
    assert all(out.fallback is None for out in rest)


async def test_answers_to_the_users_own_messages_carry_no_template(chat: Chat) -> None:
    outs = await _turn(chat, Text("hi"))
    assert outs and all(out.fallback is None for out in outs)
