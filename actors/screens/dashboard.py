"""The dashboard: a time-aware greeting, the active account's balances, and the menu list."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal

from actors.intents import accounts as accounts_ids
from actors.intents import ledger as ledger_ids
from actors.intents import members as members_ids
from actors.intents import navigation as navigation_ids
from actors.intents import notifications as notifications_ids
from actors.intents import offer as offer_ids
from actors.intents import pending as pending_ids
from actors.intents import receive as receive_ids
from actors.ports.credex import AccountDashboard, MemberView
from actors.replies import ListMessage, Row, Section
from actors.screens.accounts import incoming
from actors.screens.format import clip, money


def greeting(first_name: str, local: dt.datetime) -> str:
    """Morning 05–11, afternoon 12–17, evening 18–21, night otherwise (BOT_TIMEZONE)."""
    hour = local.hour
    if 5 <= hour <= 11:
        return f"Good morning, {first_name} 🌅"
    if 12 <= hour <= 17:
        return f"Good afternoon, {first_name} ☀️"
    if 18 <= hour <= 21:
        return f"Good evening, {first_name} 🌆"
    return f"Hello, {first_name} 🌙"


def _renewal(local: dt.datetime) -> str:
    """credex-core's day turns at 00:00 UTC (docs/credex-core-api.md §10.3); say when that is
    on the bot's clock."""
    today = local.astimezone(dt.UTC).date()
    midnight = dt.datetime.combine(today + dt.timedelta(days=1), dt.time(), dt.UTC)
    return f"{midnight.astimezone(local.tzinfo):%H:%M} your time"


def _can_send(member_left: Decimal, account: AccountDashboard) -> str:
    """Secured USD the member can send now: the smaller of the tier's daily limit left and
    the secured USD held, saying which of the two caps it."""
    held = next((m.amount for m in account.balances.secured if m.denomination == "USD"), None)
    held = max(held or Decimal(0), Decimal(0))
    left = max(member_left, Decimal(0))
    why = "tier limit" if left < held else "your secured balance"
    return f"*Can send now:* {min(left, held):.2f} USD secured _({why})_"


def _get_value(agents: Sequence[str]) -> list[str]:
    """Nothing to send secured yet: say how to get some (the original bot's "cash in/out"
    screen, docs/reference-bot.md)."""
    where = f", or cash in with an agent: {'; '.join(agents)}" if agents else ""
    return [clip(f"_To get value, ask a member to send you secured credex{where}._", 400)]


def _balances(
    view: MemberView, account: AccountDashboard, local: dt.datetime, agents: Sequence[str]
) -> list[str]:
    b = account.balances
    lines = ["*Secured balances*"]
    lines += [f"• {money(m)}" for m in b.secured] or ["• none yet", *_get_value(agents)]
    if b.payables.amount or b.receivables.amount:
        lines += [
            "",
            "*Unsecured*",
            f"• Payables: {money(b.payables)}",
            f"• Receivables: {money(b.receivables)}",
            f"• Net: {money(b.net_pay_rec)}",
        ]
    lines += ["", f"*Net assets:* {money(b.net_assets)}"]
    member = view.member
    if member.tier in (1, 2) and member.remaining_usd is not None:
        left = max(member.remaining_usd, 0)
        lines.append(
            f"*Left to offer today:* {left:.2f} USD _(renews at midnight UTC, {_renewal(local)})_"
        )
        lines.append(_can_send(member.remaining_usd, account))
    counts = []
    if account.pending_in:
        counts.append(f"{len(account.pending_in)} incoming")
    if account.pending_out:
        counts.append(f"{len(account.pending_out)} outgoing")
    if counts:
        lines.append(f"*Pending offers:* {' · '.join(counts)}")
    return lines


def _elsewhere(view: MemberView, account: AccountDashboard) -> list[str]:
    """Offers waiting on the member's other accounts (a business, or the personal one while
    acting for a business): "Chipo's Bakery: 1 incoming offer"."""
    others = [a for a in view.accounts if a.account_id != account.account_id and a.pending_in]
    if not others:
        return []
    lines = [f"• 📥 {incoming(a)}" for a in others]
    return ["", "*Your other accounts*", *lines, "_Switch under *Accounts* to answer them._"]


def _which(view: MemberView, account: AccountDashboard) -> list[str]:
    """With more than one account, say that this is the one the member acts for."""
    if len(view.accounts) < 2:
        return []
    return [f"_🔀 Active account ({len(view.accounts)} you own): switch under *Accounts*_"]


def _rows(view: MemberView, account: AccountDashboard) -> tuple[Row, ...]:
    rows = [
        Row(offer_ids.offer_start(True), "💸 Offer secured", "Send value from your secured balance")
    ]
    # the Open tier may not issue unsecured credex (docs/credex-core-api.md §5.6)
    if view.member.tier != 1:
        rows.append(
            Row(
                offer_ids.offer_start(False), "🤝 Offer unsecured", "A promise to pay by a due date"
            )
        )
    if account.pending_in:
        rows.append(
            Row(
                pending_ids.pending_page("in", 1),
                f"📥 Incoming offers ({len(account.pending_in)})",
                "Accept or decline offers made to you",
            )
        )
    if account.pending_out:
        rows.append(
            Row(
                pending_ids.pending_page("out", 1),
                f"📤 Outgoing offers ({len(account.pending_out)})",
                "Review or cancel offers you made",
            )
        )
    rows.append(Row(ledger_ids.ledger_page(1), "📒 Ledger", "Your credex history"))
    rows.append(Row(receive_ids.GET_PAID, "📲 Get paid", "A pay link and QR code for customers"))
    rows += _account_rows(view, account)
    rows.append(Row(navigation_ids.HELP, "❓ Help", "Quick offers and navigation words"))
    return tuple(rows)


def _account_rows(view: MemberView, account: AccountDashboard) -> list[Row]:
    """Accounts, members and notifications, each only when it applies (docs/credex-core-api.md §5.6:
    extra accounts from tier 3, authorizing others from tier 4)."""
    tier = view.member.tier
    rows = []
    if len(view.accounts) > 1:
        rows.append(
            Row(accounts_ids.ACCOUNTS, "🗂️ Accounts", "Switch account or open a business one")
        )
    elif tier is not None and tier >= 3:
        rows.append(Row(accounts_ids.ACCOUNTS, "🗂️ Accounts", "Open a business account"))
    if tier is not None and tier >= 4:
        rows.append(
            Row(members_ids.MEMBERS, "👥 Members", clip(f"Who can transact for {account.name}", 72))
        )
    if len(account.authorized) > 1 and account.send_offers_to is not None:
        to = account.send_offers_to
        who = f"{to.first_name} {to.last_name}".strip()
        rows.append(
            Row(
                notifications_ids.NOTIFICATIONS,
                "🛎️ Notifications",
                clip(f"Offer alerts go to {who}", 72),
            )
        )
    return rows


def dashboard(
    view: MemberView,
    account: AccountDashboard,
    local: dt.datetime,
    agents: Sequence[str] = (),
) -> ListMessage:
    """`agents`: CASH_IN_AGENTS, named to a member who holds nothing secured yet."""
    body = "\n".join(
        [
            greeting(view.member.first_name, local),
            "",
            f"*💳 {account.name}*",
            f"Handle: {account.handle}",
            *_which(view, account),
            "",
            *_balances(view, account, local, agents),
            *_elsewhere(view, account),
        ]
    )
    return ListMessage(
        body=body,
        button_label="Options",
        sections=(Section("Menu", _rows(view, account)),),
    )
