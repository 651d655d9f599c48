"""The shell against real credex-core behaviour: ConversationHandler, the real client, and the
credex-core simulator (demo seed) over real HTTP. Each test is a short conversation."""

from __future__ import annotations

import pytest

from actors import replies as codec
from actors.conversation import ConversationHandler
from actors.events import ButtonTapped, Notification
from actors.intents import navigation as navigation_ids
from actors.intents import offer as offer_ids
from actors.intents import onboarding as onboarding_ids
from actors.intents import pending as pending_ids
from actors.intents import quick as quick_ids
from actors.intents import submit as submit_ids
from actors.ports.credex import CredexCore
from actors.replies import ListMessage, Reply
from tests.actors.chat import Chat, Context, DyingAfterCreate, DyingBeforeCreate, ProcessKilled
from tests.actors.views import ids_in, text_of

TENDAI, RUDO, FARAI = "263771000001", "263771000002", "263771000003"


def said(replies: list[Reply]) -> str:
    return "\n".join(text_of(r) for r in replies)


def draft_id(chat: Chat) -> str:
    draft = chat.session.draft
    assert draft is not None and draft.state == "awaiting_confirmation"
    return draft.draft_id


async def outgoing(credex: CredexCore, phone: str) -> list[str]:
    view = await credex.member_view(phone)
    return [o.credex_id for a in view.accounts for o in a.pending_out]


async def test_a_new_member_onboards_and_lands_on_the_dashboard(chat: Chat) -> None:
    new = chat.as_user("263779990001")
    welcome = await new.send("hi")
    assert ids_in(welcome[0]) == [onboarding_ids.BECOME_MEMBER]
    await new.tap(onboarding_ids.BECOME_MEMBER)
    await new.send("Nyasha")
    confirm = await new.send("Mu-tasa2")
    assert "*Nyasha Mu-tasa*" in said(confirm)
    done = await new.tap(onboarding_ids.NAME_OK)
    text = said(done)
    assert "Welcome to credex, Nyasha" in text
    assert "*💳 Nyasha Mu-tasa Personal*" in text and "Left to offer today:* 10.00 USD" in text


async def test_secured_offer_by_menu_reaches_the_recipient(chat: Chat) -> None:
    await chat.send("hi")
    await chat.pick(offer_ids.offer_start(True))
    await chat.send("3")
    confirm = await chat.send("rudo")
    assert "Rudo Chikwanha Personal" in said(confirm)
    sent = await chat.tap(submit_ids.confirm(draft_id(chat)))
    assert "Offer sent" in said(sent) and "247.00 USD" in said(sent)
    rudo = chat.as_user(RUDO)
    incoming = await rudo.pick(pending_ids.pending_page("in", 1))
    assert "3.00 USD* from Tendai Moyo Personal (secured)" in said(incoming)


@pytest.mark.parametrize("spelling", ["0.5=>rudo", "0.5 => Rudo", " 0.5=>@rudo", "USD 0.5 => rudo"])
async def test_quick_command_spellings_all_offer_to_the_same_account(
    chat: Chat, spelling: str
) -> None:
    confirm = await chat.send(spelling)
    assert "0.50 USD" in said(confirm) and "Rudo Chikwanha Personal" in said(confirm)
    before = await outgoing(chat.credex, TENDAI)
    await chat.tap(submit_ids.confirm(draft_id(chat)))
    assert len(await outgoing(chat.credex, TENDAI)) == len(before) + 1


async def test_unsecured_offers_with_and_without_a_due_date(chat: Chat) -> None:
    await chat.send("2->rudo")
    sent = await chat.tap(submit_ids.confirm(draft_id(chat)))
    assert "due 7 Apr 2026" in said(sent)  # today (10 Mar) + 4 weeks
    await chat.pick(offer_ids.offer_start(False))
    await chat.send("4")
    await chat.send("rudo")
    await chat.send("2026-03-30")
    sent = await chat.tap(submit_ids.confirm(draft_id(chat)))
    assert "unsecured, due 30 Mar 2026" in said(sent)


async def test_bulk_over_the_secured_balance_never_reaches_send_all(chat: Chat) -> None:
    before = await outgoing(chat.credex, TENDAI)
    refused = said(await chat.send("1=>rudo\n9999=>rudo\n2->farai"))
    assert "Send all" not in refused and "nothing was sent" in refused
    assert "You can secure *" in refused and "less than 10,000.00 USD" in refused
    assert chat.session.draft is None
    assert await outgoing(chat.credex, TENDAI) == before


async def test_recipient_accepts_and_declines_and_sender_cancels(chat: Chat) -> None:
    rudo = chat.as_user(RUDO)
    listed = await rudo.pick(pending_ids.pending_page("in", 1))
    offer_rows = [i for i in ids_in(listed[0]) if i.startswith("offer:in:")]
    assert len(offer_rows) == 2
    first, second = (row.removeprefix("offer:in:") for row in offer_rows)
    card = await rudo.pick(pending_ids.pending_offer("in", first))
    assert ids_in(card[0])[:2] == [pending_ids.accept(first), pending_ids.decline(first)]
    accepted = said(await rudo.tap(pending_ids.accept(first)))
    assert "You accepted" in accepted and "Tendai Moyo Personal" in accepted
    declined = said(await rudo.tap(pending_ids.decline(second)))
    assert "You declined" in declined
    again = said(await rudo.tap(pending_ids.accept(first)))
    assert "no longer pending" in again
    await chat.send("1=>rudo")
    await chat.tap(submit_ids.confirm(draft_id(chat)))
    (mine,) = await outgoing(chat.credex, TENDAI)
    asked = await chat.tap(pending_ids.ask_cancel(mine))
    assert ids_in(asked[0]) == [pending_ids.cancel_now(mine), navigation_ids.MENU]
    assert mine in await outgoing(chat.credex, TENDAI)
    cancelled = said(await chat.tap(pending_ids.cancel_now(mine)))
    assert "You cancelled your offer" in cancelled
    assert mine not in await outgoing(chat.credex, TENDAI)


async def test_accept_all_accepts_every_incoming_offer_it_listed(chat: Chat) -> None:
    listed = await chat.pick(pending_ids.pending_page("in", 1))
    accept_all = next(i for i in ids_in(listed[-1]) if i.startswith(pending_ids.ACCEPT_ALL))
    summary = said(await chat.pick(accept_all))
    assert "*Accepted* (2)" in summary and "from Rudo Chikwanha Personal" in summary
    view = await chat.credex.member_view(TENDAI)
    assert all(not a.pending_in for a in view.accounts)


async def test_open_tier_limit_says_what_is_left_and_when_it_renews(chat: Chat) -> None:
    farai = chat.as_user(FARAI)
    reply = await farai.send("11=>rudo")
    refused = said(reply)
    assert "tier 1 daily limit leaves *10.00 USD* today" in refused
    assert "Sign & send" not in refused and "midnight UTC (02:00 in Harare)" in refused
    assert "You can send up to *5.00 USD* secured right now" in refused  # 5 held
    assert quick_ids.quick("USD 5.00=>rudo") in ids_in(reply[-1])


async def test_unknown_handle_asks_to_check_the_spelling(chat: Chat) -> None:
    await chat.pick(offer_ids.offer_start(True))
    await chat.send("5")
    reply = said(await chat.send("nobody_here"))
    assert "couldn't find an account" in reply and "spelling" in reply
    assert chat.session.screen.step == "handle"  # type: ignore[union-attr]


async def test_session_timeout_mid_form_discards_it_and_says_so(chat: Chat) -> None:
    await chat.pick(offer_ids.offer_start(True))
    await chat.send("5")
    chat.clock.advance(301)
    reply = said(await chat.send("rudo"))
    assert "timed out" in reply and "discarded" in reply and "Good morning" in reply
    assert chat.session.draft is None


async def test_duplicate_confirm_tap_creates_one_credex_only(chat: Chat) -> None:
    before = await outgoing(chat.credex, TENDAI)
    await chat.send("1=>rudo")
    confirm = submit_ids.confirm(draft_id(chat))
    await chat.tap(confirm)
    duplicate = said(await chat.tap(confirm))
    assert "already used" in duplicate
    assert len(await outgoing(chat.credex, TENDAI)) == len(before) + 1
    assert len(chat.last_context.checkpoints) == 0  # type: ignore[union-attr]


async def test_checkpoint_precedes_the_create_call(chat: Chat) -> None:
    await chat.send("1=>rudo")
    await chat.tap(submit_ids.confirm(draft_id(chat)))
    (checkpoint,) = chat.last_context.checkpoints  # type: ignore[union-attr]
    assert b'"submitting"' in checkpoint  # type: ignore[operator]


async def test_process_killed_after_the_credex_call_tells_the_truth_next_time(chat: Chat) -> None:
    before = await outgoing(chat.credex, TENDAI)
    await chat.send("1.25=>rudo")
    tap = chat.envelope(ButtonTapped(submit_ids.confirm(draft_id(chat)), ""))
    dying = ConversationHandler(DyingAfterCreate(chat.credex), clock=chat.clock)  # type: ignore[arg-type]
    with pytest.raises(ProcessKilled):
        await chat.deliver(tap, handler=dying)
    chat.stored = chat.last_context.checkpoints[-1]  # type: ignore[union-attr]  # what the runtime kept
    redelivered = said(await chat.deliver(tap))  # the runtime retries the same envelope
    # The call may still be running on credex-core's side: not a word about its outcome yet.
    assert "still finding out" in redelivered and "1.25 USD" in redelivered
    chat.clock.advance(61)  # past CREDEX_WRITE_SETTLE_SECONDS (60 by default)
    told = said(await chat.send("menu"))
    assert "was sent" in told and "1.25 USD" in told
    assert len(await outgoing(chat.credex, TENDAI)) == len(before) + 1
    late = said(await chat.tap(submit_ids.confirm(chat.session.draft.draft_id)))  # type: ignore[union-attr]
    assert "already used" in late
    assert len(await outgoing(chat.credex, TENDAI)) == len(before) + 1


async def test_process_killed_before_the_call_arrived_says_nothing_moved(chat: Chat) -> None:
    before = await outgoing(chat.credex, TENDAI)
    await chat.send("1.75=>rudo")
    await chat.tap(submit_ids.confirm(draft_id(chat)))
    sent_snapshot = chat.stored
    await chat.send("1.5=>rudo")
    dying_before = ConversationHandler(DyingBeforeCreate(chat.credex), clock=chat.clock)  # type: ignore[arg-type]
    with pytest.raises(ProcessKilled):
        await chat.deliver(
            chat.envelope(ButtonTapped(submit_ids.confirm(draft_id(chat)), "")),
            handler=dying_before,
        )
    chat.stored = chat.last_context.checkpoints[-1]  # type: ignore[union-attr]
    chat.clock.advance(61)  # past CREDEX_WRITE_SETTLE_SECONDS: the check can tell the truth
    told = said(await chat.send("menu"))
    assert "1.50 USD" in told and "*not* sent; nothing moved" in told
    assert len(await outgoing(chat.credex, TENDAI)) == len(before) + 1
    assert sent_snapshot is not None


async def test_push_notification_reaches_the_user_with_a_button(chat: Chat) -> None:
    replies = await chat.send(Notification("Tendai", "Rudo offered you 5.00 USD"))
    assert ids_in(replies[0]) == [pending_ids.pending_page("in", 1)]
    listed = await chat.tap(pending_ids.pending_page("in", 1))
    assert isinstance(listed[0], ListMessage)


async def test_unreadable_payload_still_gets_a_reply(chat: Chat) -> None:
    envelope = chat.envelope(ButtonTapped("x", ""))
    broken = type(envelope)(envelope.key, "wamid.broken", b"\x00garbage")
    turn = await chat.handler.handle(Context(broken.key), b"stored", broken)
    assert turn.session == b"stored"  # the conversation's state is left as it was
    (item,) = turn.replies
    assert "couldn't read" in text_of(codec.decode(item).reply)


async def test_on_error_apologises_with_its_own_reply_id(chat: Chat) -> None:
    envelope = chat.envelope(ButtonTapped("x", ""))
    (item,) = chat.handler.on_error(envelope.key, envelope, RuntimeError("boom"))
    out = codec.decode(item)
    assert out.to == TENDAI and out.reply_id == f"{envelope.message_id}:error:0"
    assert "went wrong" in text_of(out.reply)
