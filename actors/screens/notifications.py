"""Notification screens: who receives offer notifications for an account, and changing it."""

from __future__ import annotations

from actors.failure import Failure
from actors.intents import navigation as navigation_ids
from actors.intents import notifications as notifications_ids
from actors.ports.credex import AccountDashboard, MemberName
from actors.replies import Button, ButtonsMessage, ListMessage, Reply, Row, Section, TextReply
from actors.screens.failures import reason
from actors.screens.format import ROW_TITLE, clip
from actors.screens.members import full_name

_MENU = Button(navigation_ids.MENU, "🏡 Menu")


def _who(member: MemberName | None, me: str) -> str:
    if member is None:
        return "nobody yet"
    return f"*{full_name(member)}*" + (" (you)" if member.member_id == me else "")


def current(account: AccountDashboard, me: str) -> Reply:
    now = account.send_offers_to
    head = f"🛎️ *Offer notifications for {account.name}*\n\nThey go to {_who(now, me)}."
    choices = [m for m in account.authorized if now is None or m.member_id != now.member_id]
    if not choices:
        return ButtonsMessage(
            body=(
                f"{head}\n\nOnly members authorized for this account can receive them, and "
                "right now that's only you. On the Entrepreneur tier you can add members "
                "under *Members*."
            ),
            buttons=(_MENU,),
        )
    rows = [
        Row(
            notifications_ids.ask_notify(account.account_id, m.member_id),
            clip(full_name(m), ROW_TITLE),
            "Send this account's offer notifications to them",
        )
        for m in choices
    ]
    rows.append(Row(navigation_ids.MENU, "🏡 Menu", "Keep it as it is"))
    return ListMessage(
        body=f"{head}\n\nChoose who should receive them instead:",
        button_label="Change",
        sections=(Section("Send them to", tuple(rows)),),
    )


def ask(account: AccountDashboard, member: MemberName, me: str) -> ButtonsMessage:
    return ButtonsMessage(
        body=(
            f"❓ Send offer notifications for *{account.name}* to {_who(member, me)} "
            f"instead of {_who(account.send_offers_to, me)}?"
        ),
        buttons=(
            Button(
                notifications_ids.set_notify(account.account_id, member.member_id), "Yes, change"
            ),
            Button(notifications_ids.NOTIFICATIONS, "No, keep it"),
        ),
    )


def changed(account_name: str, member: MemberName) -> TextReply:
    return TextReply(
        f"🛎️ Done: offer notifications for *{account_name}* now go to *{full_name(member)}*."
    )


def already(member: MemberName) -> TextReply:
    return TextReply(f"☑️ Offer notifications already go to *{full_name(member)}*.")


def not_a_member() -> TextReply:
    return TextReply(
        "🔍 That member is no longer authorized for that account (or the account is no longer "
        "yours): only authorized members can receive its offer notifications."
    )


def refused(failure: Failure) -> TextReply:
    if "failed to update offer recipient" in failure.message.lower():
        return TextReply(
            "😕 credex-core did not change it: the new recipient must be authorized for the "
            "account, and the account must be yours. Nothing was changed."
        )
    return TextReply(f"😕 Nothing was changed. {reason(failure)}")
