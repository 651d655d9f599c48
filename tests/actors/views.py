"""Typed credex-core values for the pure tests: what the adapter would have parsed."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import attrs

from actors.events import Content, Inbound, Text
from actors.outcome import Config, Transition
from actors.ports.credex import (
    AccountDashboard,
    AccountRef,
    Balances,
    MemberDashboard,
    MemberName,
    MemberView,
    Money,
    PendingOffer,
)
from actors.replies import ButtonsMessage, ListMessage, Reply, TextReply
from actors.session import Session
from actors.step import Event, step

PHONE = "263771000001"
NOW = dt.datetime(2026, 3, 10, 7, 30, tzinfo=dt.UTC)  # 09:30 in Harare
TODAY = NOW.date()
BOB = AccountRef("acc-bob", "Bob Banda Personal")


def usd(value: str) -> Money:
    return Money(Decimal(value), "USD")


def offer(
    credex_id: str, amount: str, who: str = "Bob Banda Personal", **kw: object
) -> PendingOffer:
    return PendingOffer(credex_id, usd(amount), who, kw.get("secured", True), kw.get("due_date"))  # type: ignore[arg-type]


def view(
    *,
    tier: int = 3,
    remaining: str | None = None,
    secured: tuple[Money, ...] = (Money(Decimal("100"), "USD"),),
    payables: str = "0",
    receivables: str = "0",
    pending_in: tuple[PendingOffer, ...] = (),
    pending_out: tuple[PendingOffer, ...] = (),
    first_name: str = "Tendai",
) -> MemberView:
    net = Decimal(receivables) - Decimal(payables)
    account = AccountDashboard(
        account_id="acc-tendai",
        name="Tendai Moyo Personal",
        handle="tendai",
        default_denom="USD",
        is_owned=True,
        balances=Balances(
            secured=secured,
            payables=usd(payables),
            receivables=usd(receivables),
            net_pay_rec=Money(net, "USD"),
            net_assets=usd("100"),
        ),
        pending_in=pending_in,
        pending_out=pending_out,
    )
    member = MemberDashboard(
        member_id="mem-tendai",
        first_name=first_name,
        last_name="Moyo",
        handle="tendai",
        default_denom="USD",
        tier=tier,
        remaining_usd=Decimal(remaining) if remaining is not None else None,
        account_ids=("acc-tendai",),
    )
    return MemberView(member, (account,))


def inbound(content: Content | str, phone: str | None = PHONE, mid: str = "wamid.1") -> Inbound:
    if isinstance(content, str):
        content = Text(content)
    return Inbound(mid, phone, "Tendai", int(NOW.timestamp()), content)


_DEFAULT = object()


def run(
    session: Session,
    *events: Event,
    now: dt.datetime = NOW,
    checked_with: object = _DEFAULT,
    config: Config | None = None,
) -> Transition:
    """Feed events one after another; the outcome of the last one (with the final session).

    A confirmation is shown only after a fresh view passed the checks before signing; unless a
    test passes `checked_with=None` (to see that step itself) or another view, that view is
    `view()` (tier 3, 100 USD secured), fed in as credex-core's answer.
    """
    from actors.effects import LoadView
    from actors.flows.confirm import BeforeConfirm
    from actors.results import ViewLoaded

    checker = view() if checked_with is _DEFAULT else checked_with
    outcome = Transition(session)
    for event in events:
        outcome = step(outcome.session, event, now, config)
        match outcome.effects:
            case (LoadView(purpose=BeforeConfirm() as purpose),) if checker is not None:
                assert isinstance(checker, MemberView)
                before = outcome.replies
                outcome = step(outcome.session, ViewLoaded(checker, purpose), now, config)
                outcome = outcome.say(*before)
    return outcome


def text_of(reply: Reply) -> str:
    """Everything a user can read in a reply, for assertions about wording."""
    if isinstance(reply, TextReply):
        return reply.body
    if isinstance(reply, ButtonsMessage):
        return "\n".join([reply.body, *(b.title for b in reply.buttons)])
    if isinstance(reply, ListMessage):
        rows = [f"{r.title} {r.description}" for s in reply.sections for r in s.rows]
        return "\n".join([reply.body, *rows])
    return reply.name


def said(outcome: Transition) -> str:
    return "\n".join(text_of(r) for r in outcome.replies)


def ids_in(reply: Reply) -> list[str]:
    if isinstance(reply, ButtonsMessage):
        return [b.id for b in reply.buttons]
    if isinstance(reply, ListMessage):
        return [r.id for s in reply.sections for r in s.rows]
    return []


def logged_in(**kw: object) -> Session:
    """A session right after the dashboard was shown to Tendai."""
    from actors.flows.dashboard import ShowDashboard
    from actors.results import ViewLoaded

    start = Session(phone=PHONE, last_active=NOW.timestamp())
    return attrs.evolve(run(start, ViewLoaded(view(**kw), ShowDashboard())).session)  # type: ignore[arg-type]


# ----- a tier-4 owner with a business account and authorized members (Chipo in the demo seed)

CHIPO = MemberName("mem-chipo", "Chipo", "Dube")
TENDAI_M = MemberName("mem-tendai", "Tendai", "Moyo")
RUDO_M = MemberName("mem-rudo", "Rudo", "Chikwanha")
FARAI_M = MemberName("mem-farai", "Farai", "Ncube")
NYASHA_M = MemberName("mem-nyasha", "Nyasha", "Mutasa")


def account(
    account_id: str,
    name: str,
    handle: str,
    *,
    authorized: tuple[MemberName, ...] = (CHIPO,),
    send_offers_to: MemberName | None = CHIPO,
    pending_in: tuple[PendingOffer, ...] = (),
) -> AccountDashboard:
    return AccountDashboard(
        account_id=account_id,
        name=name,
        handle=handle,
        default_denom="USD",
        is_owned=True,
        balances=Balances((usd("500"),), usd("0"), usd("0"), usd("0"), usd("500")),
        pending_in=pending_in,
        authorized=authorized,
        send_offers_to=send_offers_to,
    )


PERSONAL = account("acc-chipo", "Chipo Dube Personal", "chipo")
BAKERY = account(
    "acc-bakery", "Chipos Bakery", "chipo_bakery", authorized=(CHIPO, TENDAI_M, RUDO_M)
)


def owner_view(*accounts: AccountDashboard, tier: int = 4) -> MemberView:
    """Chipo's view: her accounts (personal first by default), at `tier`."""
    accounts = accounts or (PERSONAL, BAKERY)
    member = MemberDashboard(
        member_id="mem-chipo",
        first_name="Chipo",
        last_name="Dube",
        handle="chipo",
        default_denom="USD",
        tier=tier,
        remaining_usd=None if tier >= 3 else Decimal("100"),
        account_ids=tuple(a.account_id for a in accounts),
    )
    return MemberView(member, accounts)


def owner_logged_in(
    *accounts: AccountDashboard, tier: int = 4, chosen: str | None = None
) -> Session:
    from actors.flows.dashboard import ShowDashboard
    from actors.results import ViewLoaded

    start = Session(phone=PHONE, last_active=NOW.timestamp(), chosen_account=chosen)
    return run(start, ViewLoaded(owner_view(*accounts, tier=tier), ShowDashboard())).session
