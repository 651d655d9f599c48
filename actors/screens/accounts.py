"""Account screens: the member's own accounts, switching, and opening a business account."""

from __future__ import annotations

from typing import Final

from actors.failure import Failure
from actors.intents import accounts as accounts_ids
from actors.intents import navigation as navigation_ids
from actors.ports.credex import AccountDashboard
from actors.replies import Button, ButtonsMessage, ListMessage, Reply, Row, Section, TextReply
from actors.screens.failures import reason
from actors.screens.format import ROW_DESCRIPTION, ROW_TITLE, clip
from actors.session import AccountForm

# + Previous + "More…" + "New business account" + "Menu" = WhatsApp's 10 rows (G8).
PAGE_SIZE: Final = 6
ACCOUNT_NAME_RULE: Final = (
    "credex-core keeps only letters, digits, spaces and hyphens in an account name, "
    "and needs 3–50 of them"
)
_MENU = Button(navigation_ids.MENU, "🏡 Menu")
_NAV_HINT = "_Send *back* to go back a step, or *x* to cancel._"
TIER_NAMES: Final = {1: "Open", 2: "Verified", 3: "Hustler", 4: "Entrepreneur", 5: "top"}


def tier_name(tier: int | None) -> str:
    if tier is None:
        return "your tier"
    return f"the {TIER_NAMES.get(tier, str(tier))} tier (tier {tier})"


def window(
    accounts: tuple[AccountDashboard, ...], page: int
) -> tuple[int, int, tuple[AccountDashboard, ...], int]:
    """The page shown (clamped), the page count, its accounts and the number of the first."""
    pages = max(1, (len(accounts) + PAGE_SIZE - 1) // PAGE_SIZE)
    page = min(max(page, 1), pages)
    first = (page - 1) * PAGE_SIZE
    return page, pages, accounts[first : first + PAGE_SIZE], first + 1


def incoming(account: AccountDashboard) -> str:
    """ "Chipo's Bakery: 1 incoming offer", so offers to a business account are not missed."""
    count = len(account.pending_in)
    return f"{account.name}: {count} incoming offer{'' if count == 1 else 's'}"


def _line(n: int, account: AccountDashboard, active_id: str) -> str:
    active = " ✅ _active_" if account.account_id == active_id else ""
    waiting = f"\n    📥 _{incoming(account)}_" if account.pending_in else ""
    return f"{n}. *{account.name}* ({account.handle}){active}{waiting}"


def accounts_list(
    accounts: tuple[AccountDashboard, ...], active_id: str, page: int, can_create: bool
) -> ListMessage:
    page, pages, shown, first = window(accounts, page)
    lines = [_line(n, a, active_id) for n, a in enumerate(shown, first)]
    rows = [
        Row(
            accounts_ids.switch_account(a.account_id),
            clip(a.name, ROW_TITLE),
            clip(_row_description(a, active_id), ROW_DESCRIPTION),
        )
        for a in shown
    ]
    if page > 1:
        rows.append(Row(accounts_ids.accounts_page(page - 1), "⬅️ Previous", f"Page {page - 1}"))
    if page < pages:
        rows.append(Row(accounts_ids.accounts_page(page + 1), "More accounts…", f"Page {page + 1}"))
    if can_create:
        rows.append(
            Row(accounts_ids.NEW_ACCOUNT, "➕ New business account", "Open another account")
        )
    rows.append(Row(navigation_ids.MENU, "🏡 Menu", "Back to your dashboard"))
    paging = f" (page {page} of {pages})" if pages > 1 else ""
    body = "\n".join(
        [
            f"🗂️ *Your accounts*{paging}",
            "",
            *lines,
            "",
            "Choose one (or send its number) to act for it: your dashboard, offers and ledger "
            "will be that account's.",
            "_Accounts others authorized you for are not listed: credex-core lists only the "
            "accounts you own._",
        ]
    )
    return ListMessage(
        body=body, button_label="Accounts", sections=(Section("Accounts", tuple(rows)),)
    )


def _row_description(account: AccountDashboard, active_id: str) -> str:
    what = "active now" if account.account_id == active_id else "switch to it"
    count = len(account.pending_in)
    waiting = f" · {count} incoming offer{'' if count == 1 else 's'}" if count else ""
    return f"{account.handle} · {what}{waiting}"


def switched(account: AccountDashboard) -> TextReply:
    return TextReply(
        f"🔀 You're now acting for *{account.name}* ({account.handle}). Offers, pending offers "
        "and the ledger are this account's until you switch again, or until your session "
        "times out (then you're back on your personal account)."
    )


def account_gone() -> TextReply:
    return TextReply(
        "🔍 credex-core no longer lists that account as one of yours, so I can't switch to it. "
        "Here is your dashboard."
    )


def cannot_create(tier: int | None) -> ButtonsMessage:
    return ButtonsMessage(
        body=(
            "💼 *Business accounts need a paid tier*\n\n"
            f"You're on {tier_name(tier)}. On the Open and Verified tiers credex-core allows "
            "one account per member: your personal account.\n\n"
            "From the Hustler tier (tier 3) up you can open business accounts, and you can "
            "switch between them here."
        ),
        buttons=(_MENU,),
    )


def ask_name(previous: str = "") -> TextReply:
    hint = f"\n_Last time: {previous}_" if previous else ""
    return TextReply(
        "💼 *New business account*\n\nWhat should it be called? For example "
        f"_Chipo Bakery_. ({ACCOUNT_NAME_RULE}.){hint}\n\n{_NAV_HINT}"
    )


def name_problem(cleaned: str) -> TextReply:
    kept = f" From what you typed I could keep only “{cleaned}”." if cleaned else ""
    return TextReply(
        f"✋ That name can't be registered: {ACCOUNT_NAME_RULE}.{kept} Please send the name again."
    )


def ask_handle(name: str, changed: bool, previous: str = "") -> TextReply:
    note = (
        f"\n_Note: {ACCOUNT_NAME_RULE}, so I removed the other characters you typed. "
        "This is the name that will be registered._"
        if changed
        else ""
    )
    hint = f"\n_Last time: {previous}_" if previous else ""
    return TextReply(
        f"🏷️ *{name}*{note}\n\nNow choose its *handle*: 3–30 lower-case letters, digits or "
        "underscores, like `chipo_bakery`. Others send offers to it with this handle."
        f"{hint}\n\n{_NAV_HINT}"
    )


def handle_taken(handle: str) -> TextReply:
    return TextReply(
        f"✋ The handle *{handle}* is already taken by another account. Please choose another."
    )


def confirm(form: AccountForm) -> ButtonsMessage:
    note = "\n_(I removed the characters credex-core does not keep in account names.)_"
    return ButtonsMessage(
        body=(
            "📝 *Please confirm the new account*\n\n"
            f"*Name:* {form.name}\n"
            f"*Handle:* {form.handle}\n"
            f"*Type:* Business\n"
            f"*Currency:* {form.default_denom}"
            f"{note if form.name_changed else ''}\n\n"
            "You will own it, be authorized for it and receive its offer notifications."
        ),
        buttons=(
            Button(accounts_ids.create_account(form.handle), "✅ Create account"),
            Button(navigation_ids.CANCEL, "Cancel"),
        ),
    )


def confirm_reminder() -> TextReply:
    return TextReply(
        "👆 Please tap *Create account* or *Cancel* on the confirmation, "
        "or send *back* to change something."
    )


def created(name: str, handle: str) -> TextReply:
    return TextReply(
        f"🎉 *{name}* is open, with the handle *{handle}*. You're now acting for it; "
        "switch back any time under *Accounts*."
    )


def not_created(failure: Failure) -> Reply:
    if "cannot create an account" in failure.message.lower():
        return TextReply(
            "😕 credex-core did not create the account: on the Open and Verified tiers a member "
            "can own only their personal account."
        )
    return TextReply(f"😕 The account was not created. {reason(failure)}")


def confirmation_closed() -> TextReply:
    return TextReply(
        "⌛ That confirmation is no longer open, so nothing new was created. "
        "Open *Accounts* to see your accounts or start again."
    )
