"""Seed data: credex-core's development ledger (docs/credex-core-api.md §10.10) and the demo members
other code imports.

`seed_dev` leaves the ledger as after clearDevDBs + forceDCO; `seed_demo` adds four members
with secured balances, accepted history and pending offers both ways between tendai and rudo.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import attrs

from simulator.credex.dco import advance_day, book
from simulator.credex.ledger import Ledger
from simulator.credex.membership import onboard, open_account
from simulator.credex.model import Account, Credex, Member, Refusal
from simulator.credex.offers import OfferTerms, accept, create_credex

DEV_DAY_ZERO = dt.date(2021, 1, 1)
DEV_DAY = dt.date(2021, 1, 2)  # the first forceDCO advances day zero by one

SEED_MEMBER_A_PHONE = "263778177125"  # DCO participant, owns the foundation and greatsun accounts
SEED_MEMBER_B_PHONE = "263787379972"
SEED_MEMBER_C_PHONE = "263788435091"  # the trust operator, owns vimbisopay_trust
VIMBISOPAY_TRUST = "vimbisopay_trust"


@attrs.frozen
class SeedAccount:
    handle: str
    account_type: str
    name: str
    denom: str
    owner_phone: str
    audited: bool


SEED_ACCOUNTS = (
    SeedAccount(
        "credexfoundation.dco", "CREDEX_FOUNDATION",
        "Credex Foundation: Daily Credcoin Offering", "CXX", SEED_MEMBER_A_PHONE, True,
    ),
    SeedAccount("greatsun_trust", "TRUST", "Great Sun Financial: Trust", "CAD",
                SEED_MEMBER_A_PHONE, True),
    SeedAccount("greatsun_ops", "OPERATIONS", "Great Sun Financial: Operations", "CAD",
                SEED_MEMBER_A_PHONE, False),
    SeedAccount(VIMBISOPAY_TRUST, "TRUST", "VimbisoPay: Trust", "USD", SEED_MEMBER_C_PHONE, True),
    SeedAccount("vimbisopay_ops", "OPERATIONS", "VimbisoPay: Operations", "USD",
                SEED_MEMBER_B_PHONE, False),
)  # fmt: skip


@attrs.frozen
class DemoMember:
    firstname: str
    lastname: str
    phone: str
    tier: int
    account_handle: str
    secured_usd: Decimal  # the secured USD balance its dashboard shows once seeded

    @property
    def name(self) -> str:
        return f"{self.firstname} {self.lastname}"


DEMO_TENDAI = DemoMember("Tendai", "Moyo", "263771000001", 3, "tendai", Decimal("250.00"))
DEMO_RUDO = DemoMember("Rudo", "Chikwanha", "263771000002", 2, "rudo", Decimal("90.00"))
DEMO_FARAI = DemoMember("Farai", "Ncube", "263771000003", 1, "farai", Decimal("5.00"))
DEMO_CHIPO = DemoMember("Chipo", "Dube", "263771000004", 4, "chipo", Decimal("500.00"))
DEMO_MEMBERS = (DEMO_TENDAI, DEMO_RUDO, DEMO_FARAI, DEMO_CHIPO)
CHIPO_BAKERY_NAME = "Chipo's Bakery"
CHIPO_BAKERY_HANDLE = "chipo_bakery"
CHIPO_BAKERY_SECURED_USD = Decimal("135.00")


def initialize(ledger: Ledger, day_zero: dt.date) -> None:
    """What forceDCO does on an empty ledger before its first day advance (§10.10)."""
    ledger.clear()
    ledger.day = day_zero
    members = {
        phone: _member(ledger, "Seed", f"Member{letter}", phone, tier=5)
        for letter, phone in zip(
            "ABC", (SEED_MEMBER_A_PHONE, SEED_MEMBER_B_PHONE, SEED_MEMBER_C_PHONE), strict=True
        )
    }
    accounts: dict[str, Account] = {}
    for spec in SEED_ACCOUNTS:
        account = open_account(
            ledger, members[spec.owner_phone], spec.account_type, spec.name, spec.handle, spec.denom
        )
        account = attrs.evolve(account, audited=spec.audited)
        ledger.replace_account(account)
        accounts[spec.handle] = account
    member_a = members[SEED_MEMBER_A_PHONE].member_id
    member_c = members[SEED_MEMBER_C_PHONE].member_id
    for handle, extra in (
        (VIMBISOPAY_TRUST, (member_a,)),
        ("vimbisopay_ops", (member_a, member_c)),
    ):
        account = ledger.accounts[accounts[handle].account_id]
        ledger.replace_account(attrs.evolve(account, authorized=(*account.authorized, *extra)))
    personal_a = ledger.account_with_handle(SEED_MEMBER_A_PHONE)
    assert personal_a is not None
    personal_a = attrs.evolve(personal_a, dco_give_cxx=Decimal(1), dco_denom="CAD")
    ledger.replace_account(personal_a)
    trust = accounts["greatsun_trust"]
    book(ledger, trust, personal_a, "CAD", Decimal(365), "PURCHASE", trust.account_id)


def seed_dev(ledger: Ledger, day: dt.date = DEV_DAY) -> None:
    initialize(ledger, day - dt.timedelta(days=1))
    advance_day(ledger)


def seed_demo(ledger: Ledger, day: dt.date) -> None:
    """History is written two days before `day` so that only today's offers count toward limits."""
    seed_dev(ledger, day - dt.timedelta(days=2))
    seeded = {
        m.account_handle: _member(ledger, m.firstname, m.lastname, m.phone, m.tier,
                                  m.account_handle)
        for m in DEMO_MEMBERS
    }  # fmt: skip
    chipo = seeded[DEMO_CHIPO.account_handle]
    open_account(ledger, chipo, "BUSINESS", CHIPO_BAKERY_NAME, CHIPO_BAKERY_HANDLE, "USD")
    tendai, rudo = seeded["tendai"], seeded["rudo"]
    trust = ledger.account_with_handle(VIMBISOPAY_TRUST)
    assert trust is not None
    trust_signer = ledger.members[trust.owner_id]
    for handle, amount in (("tendai", 300), ("rudo", 60), ("farai", 5), ("chipo", 500),
                           (CHIPO_BAKERY_HANDLE, 150)):  # fmt: skip
        owner = chipo if handle == CHIPO_BAKERY_HANDLE else seeded[handle]
        _accepted(ledger, trust_signer, VIMBISOPAY_TRUST, owner, handle, Decimal(amount))
    _accepted(ledger, tendai, "tendai", rudo, "rudo", Decimal(40))
    _accepted(ledger, chipo, CHIPO_BAKERY_HANDLE, tendai, "tendai", Decimal(15))
    _accepted(ledger, rudo, "rudo", tendai, "tendai", Decimal(20), due_in_days=20)
    advance_day(ledger)
    advance_day(ledger)
    _offer(ledger, tendai, "tendai", "rudo", Decimal(25))
    _offer(ledger, rudo, "rudo", "tendai", Decimal(10))
    _offer(ledger, tendai, "tendai", "rudo", Decimal(12), due_in_days=14)
    _offer(ledger, rudo, "rudo", "tendai", Decimal(8), due_in_days=21)


def _member(
    ledger: Ledger,
    firstname: str,
    lastname: str,
    phone: str,
    tier: int,
    account_handle: str | None = None,
) -> Member:
    result = onboard(
        ledger, firstname, lastname, phone, "USD", tier=tier, account_handle=account_handle
    )
    if isinstance(result, Refusal):
        raise RuntimeError(f"seeding {phone}: {result.message}")
    return result[0]


def _offer(
    ledger: Ledger,
    signer: Member,
    issuer_handle: str,
    receiver_handle: str,
    amount: Decimal,
    due_in_days: int | None = None,
) -> Credex:
    issuer = ledger.account_with_handle(issuer_handle)
    receiver = ledger.account_with_handle(receiver_handle)
    assert issuer is not None and receiver is not None and ledger.day is not None
    due = None if due_in_days is None else (ledger.day + dt.timedelta(days=due_in_days))
    terms = OfferTerms(
        issuer_id=issuer.account_id,
        receiver_id=receiver.account_id,
        denomination="USD",
        amount=amount,
        credex_type="PURCHASE",
        direction="OFFERS",
        secured=due is None,
        due_date=None if due is None else due.isoformat(),
    )
    result = create_credex(ledger, terms, signer.member_id, check_signer=True)
    if isinstance(result, Refusal):
        raise RuntimeError(f"seeding {issuer_handle} -> {receiver_handle}: {result.message}")
    return result


def _accepted(
    ledger: Ledger,
    signer: Member,
    issuer_handle: str,
    receiver: Member,
    receiver_handle: str,
    amount: Decimal,
    due_in_days: int | None = None,
) -> None:
    credex = _offer(ledger, signer, issuer_handle, receiver_handle, amount, due_in_days)
    result = accept(ledger, credex.credex_id, receiver.member_id)
    if isinstance(result, Refusal):
        raise RuntimeError(f"seeding accept of {credex.credex_id}: {result.message}")
