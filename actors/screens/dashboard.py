"""The dashboard: a time-aware greeting, the active account's balances, and the menu list."""

from __future__ import annotations

import datetime as dt

from actors import ids
from actors.ports.credex import AccountDashboard, MemberView
from actors.replies import ListReply, Row, Section
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


def _balances(view: MemberView, account: AccountDashboard) -> list[str]:
    b = account.balances
    lines = ["*Secured balances*"]
    lines += [f"• {money(m)}" for m in b.secured] or ["• none yet"]
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
        lines.append(f"*Left to offer today:* {left:.2f} USD _(renews at midnight UTC)_")
    counts = []
    if account.pending_in:
        counts.append(f"{len(account.pending_in)} incoming")
    if account.pending_out:
        counts.append(f"{len(account.pending_out)} outgoing")
    if counts:
        lines.append(f"*Pending offers:* {' · '.join(counts)}")
    return lines


def _which(view: MemberView, account: AccountDashboard) -> list[str]:
    """With more than one account, say that this is the one the member acts for."""
    if len(view.accounts) < 2:
        return []
    return [f"_🔀 Active account ({len(view.accounts)} you own): switch under *Accounts*_"]


def _rows(view: MemberView, account: AccountDashboard) -> tuple[Row, ...]:
    rows = [Row(ids.offer_start(True), "💸 Offer secured", "Send value from your secured balance")]
    # the Open tier may not issue unsecured credex (docs/credex-core-api.md §5.6)
    if view.member.tier != 1:
        rows.append(
            Row(ids.offer_start(False), "🤝 Offer unsecured", "A promise to pay by a due date")
        )
    if account.pending_in:
        rows.append(
            Row(
                ids.pending_page("in", 1),
                f"📥 Incoming offers ({len(account.pending_in)})",
                "Accept or decline offers made to you",
            )
        )
    if account.pending_out:
        rows.append(
            Row(
                ids.pending_page("out", 1),
                f"📤 Outgoing offers ({len(account.pending_out)})",
                "Review or cancel offers you made",
            )
        )
    rows.append(Row(ids.ledger_page(1), "📒 Ledger", "Your credex history"))
    rows += _account_rows(view, account)
    rows.append(Row(ids.HELP, "❓ Help", "Quick offers and navigation words"))
    return tuple(rows)


def _account_rows(view: MemberView, account: AccountDashboard) -> list[Row]:
    """Accounts, members and notifications, each only when it applies (docs/credex-core-api.md §5.6:
    extra accounts from tier 3, authorizing others from tier 4)."""
    tier = view.member.tier
    rows = []
    if len(view.accounts) > 1:
        rows.append(Row(ids.ACCOUNTS, "🗂️ Accounts", "Switch account or open a business one"))
    elif tier is not None and tier >= 3:
        rows.append(Row(ids.ACCOUNTS, "🗂️ Accounts", "Open a business account"))
    if tier is not None and tier >= 4:
        rows.append(
            Row(ids.MEMBERS, "👥 Members", clip(f"Who can transact for {account.name}", 72))
        )
    if len(account.authorized) > 1 and account.send_offers_to is not None:
        to = account.send_offers_to
        who = f"{to.first_name} {to.last_name}".strip()
        rows.append(
            Row(ids.NOTIFICATIONS, "🛎️ Notifications", clip(f"Offer alerts go to {who}", 72))
        )
    return rows


def dashboard(view: MemberView, account: AccountDashboard, local: dt.datetime) -> ListReply:
    body = "\n".join(
        [
            greeting(view.member.first_name, local),
            "",
            f"*💳 {account.name}*",
            f"Handle: {account.handle}",
            *_which(view, account),
            "",
            *_balances(view, account),
        ]
    )
    return ListReply(
        body=body,
        button_label="Options",
        sections=(Section("Menu", _rows(view, account)),),
    )
