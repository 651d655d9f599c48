"""Member screens: who may transact for the active account, adding and removing them."""

from __future__ import annotations

from typing import Final

from actors.failure import Failure
from actors.intents import members as members_ids
from actors.intents import navigation as navigation_ids
from actors.ports.credex import AccountDashboard, MemberName
from actors.replies import Button, ButtonsMessage, ListMessage, Reply, Row, Section, TextReply
from actors.screens.accounts import tier_name
from actors.screens.failures import reason
from actors.screens.format import ROW_TITLE, clip

MAX_AUTHORIZED: Final = 5  # including the owner (docs/credex-core-api.md §8.2, §10.8)
_MENU = Button(navigation_ids.MENU, "🏡 Menu")


def full_name(member: MemberName) -> str:
    return f"{member.first_name} {member.last_name}".strip() or "a member"


def members_list(account: AccountDashboard, owner_id: str) -> ListMessage:
    others = [m for m in account.authorized if m.member_id != owner_id]
    lines = [f"• *{full_name(m)}*" + (" (you, the owner)" if m.member_id == owner_id else "")
             for m in account.authorized]  # fmt: skip
    if not account.authorized:
        lines = ["• only you, the owner"]
    full = len(account.authorized) >= MAX_AUTHORIZED
    rows = []
    if not full:
        rows.append(
            Row(members_ids.ADD_MEMBER, "➕ Add a member", "Let someone transact for this account")
        )
    rows += [
        Row(
            members_ids.ask_remove_member(account.account_id, m.member_id),
            clip(f"❌ {full_name(m)}", ROW_TITLE),
            "Remove their access",
        )
        for m in others
    ]
    rows.append(Row(navigation_ids.MENU, "🏡 Menu", "Back to your dashboard"))
    limit = (
        f"That's the limit of {MAX_AUTHORIZED} (you included): remove someone to add another."
        if full
        else f"Up to {MAX_AUTHORIZED} members, you included, may transact for an account."
    )
    body = "\n".join(
        [
            f"👥 *Members of {account.name}*",
            "",
            "These members may accept offers and transact for this account:",
            *lines,
            "",
            limit,
        ]
    )
    return ListMessage(
        body=body, button_label="Members", sections=(Section("Members", tuple(rows)),)
    )


def tier_too_low(tier: int | None) -> ButtonsMessage:
    return ButtonsMessage(
        body=(
            "👥 *Members need the Entrepreneur tier*\n\n"
            "credex-core lets you authorize others to transact for your account only on the "
            f"Entrepreneur tier (tier 4) or above. You're on {tier_name(tier)}."
        ),
        buttons=(_MENU,),
    )


def limit_reached(account_name: str) -> ButtonsMessage:
    return ButtonsMessage(
        body=(
            f"✋ *{account_name}* already has {MAX_AUTHORIZED} authorized members, you "
            "included: that's credex-core's limit. Remove someone first to add another."
        ),
        buttons=(Button(members_ids.MEMBERS, "👥 Members"), _MENU),
    )


def ask_handle(account_name: str) -> TextReply:
    return TextReply(
        f"👤 Who should be able to transact for *{account_name}*? Send their member *handle*: "
        "a member's handle is their phone number, like 263771234567.\n\n"
        "_Send *back* for the member list, or *x* to cancel._"
    )


def is_you() -> TextReply:
    return TextReply(
        "✋ That's you: as the owner you can always transact. Send someone else's handle."
    )


def already(name: str, account_name: str) -> TextReply:
    return TextReply(
        f"☑️ *{name}* can already transact for *{account_name}*. Send another handle, or *back*."
    )


def unknown(handle: str) -> TextReply:
    return TextReply(
        f"🔍 credex-core has no member with the handle *{handle}*. A member's handle is their "
        "phone number with the country code, like 263771234567. Check it and send it again."
    )


def confirm_authorize(account_id: str, account_name: str, handle: str, name: str) -> ButtonsMessage:
    return ButtonsMessage(
        body=(
            f"📝 Allow *{name}* ({handle}) to transact for *{account_name}*?\n\n"
            "They will be able to accept offers and act for this account. "
            "You can remove them here at any time."
        ),
        buttons=(
            Button(members_ids.authorize_member(account_id, handle), "✅ Allow"),
            Button(members_ids.MEMBERS, "Cancel"),
        ),
    )


def authorized(name: str) -> TextReply:
    return TextReply(f"✅ Done: *{name}* can now transact for this account.")


def ask_remove(account: AccountDashboard, member: MemberName) -> ButtonsMessage:
    return ButtonsMessage(
        body=(
            f"❓ Remove *{full_name(member)}* from *{account.name}*? "
            "They will no longer be able to transact for it."
        ),
        buttons=(
            Button(members_ids.remove_member(account.account_id, member.member_id), "Yes, remove"),
            Button(members_ids.MEMBERS, "No, keep them"),
        ),
    )


def removed(name: str, account_name: str) -> TextReply:
    return TextReply(f"🚫 *{name}* can no longer transact for *{account_name}*.")


def owner_stays(account_name: str) -> TextReply:
    return TextReply(f"✋ You own *{account_name}*, so you always keep access to it.")


def member_gone() -> TextReply:
    return TextReply(
        "🔍 That member is no longer authorized for that account (or the account is no longer "
        "yours), so there is nothing to remove."
    )


def refused(failure: Failure, tier: int | None) -> Reply:
    """credex-core's refusals of authorize/unauthorize, in plain words."""
    text = failure.message.lower()
    if "entrepreneur tier" in text:
        return tier_too_low(tier)
    if "limit of 5" in text:
        return TextReply(
            f"✋ credex-core allows at most {MAX_AUTHORIZED} authorized members per account, "
            "you included. Remove someone first to add another."
        )
    if "accounts not found" in text:
        return TextReply(
            "🔍 credex-core could not find that member, or the account is no longer yours. "
            "Nothing was changed."
        )
    if "failed to unauthorize" in text:
        return member_gone()
    return TextReply(f"😕 Nothing was changed. {reason(failure)}")
