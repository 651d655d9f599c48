"""The fault suite's members and its three checks.

Every member talks sequentially, as a person does: it sends, waits for an answer, sends again.
"menu" members (phones credex-core does not know, so each message has exactly one reply: the
welcome) make lost and doubled replies countable; the paying member (Tendai, demo seed) offers
0.01 USD and taps "Sign & send", so credex-core's own ledger counts duplicate credexes.

The checks, per case: zero acknowledged messages lost (each got its reply by the end), zero
duplicate credex (created <= distinct confirmations), every member message answered; plus the
numbers behind them (extra replies, answer latency, webhook answers other than 200).
"""

from __future__ import annotations

import asyncio
import random
import statistics
import sys
import time
from decimal import Decimal
from typing import Any

import attrs

from bench.faults_rig import Rig
from gateway.credex import CredexClient

TENDAI, RUDO = "263771000001", "263771000002"
PAYER_NAME = "Tendai"


@attrs.define
class Tally:
    messages: int = 0  # distinct member messages acknowledged by the bot
    unacked: int = 0  # never acknowledged within the redelivery bound
    late: int = 0  # not answered within the case's answer bound (but maybe later)
    expected_replies: int = 0  # for the "menu" members: exactly one per message
    confirms: int = 0  # distinct "Sign & send" taps acknowledged
    payer_messages: int = 0  # the paying member's acknowledged messages (each >= 1 reply)
    duplicate_posts: int = 0
    reordered: int = 0
    latencies: list[float] = attrs.field(factory=list)
    acks: list[float] = attrs.field(factory=list)  # webhook answer times of real traffic
    webhook: dict[str, int] = attrs.field(factory=dict)

    def p(self, q: float, values: list[float] | None = None) -> float:
        ordered = sorted(self.latencies if values is None else values)
        if not ordered:
            return 0.0
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


@attrs.frozen
class Mix:
    duplicate_share: float = 0.0  # deliveries posted a second time (Meta retries)
    reorder_share: float = 0.0  # pairs of messages whose deliveries arrive swapped
    answer_within: float = 30.0  # seconds a member waits for each answer before moving on
    talk_for: float = 180.0  # no member starts a round, or waits, after this many seconds
    started: float = attrs.field(factory=time.monotonic)

    def within(self) -> float:
        """How long to wait for the next answer: the bound, cut at the end of the talk."""
        left = self.started + self.talk_for - time.monotonic()
        return max(0.5, min(self.answer_within, left))

    @property
    def over(self) -> bool:
        return time.monotonic() >= self.started + self.talk_for


def menu_phones(count: int) -> list[str]:
    return [f"26377990{n:04d}" for n in range(count)]


async def _wait_replies(rig: Rig, phone: str, count: int, within: float) -> bool:
    try:
        await rig.whatsapp.wait_for_messages(phone, count, within)
        return True
    except (TimeoutError, AssertionError):
        return False


def _replies(rig: Rig, phone: str) -> int:
    return len(rig.whatsapp.sent_to(phone))


async def _send(rig: Rig, tally: Tally, mix: Mix, rng: random.Random, bodies: list[bytes]) -> int:
    """Deliver `bodies` (swapped, doubled per the mix); how many were acknowledged."""
    if len(bodies) == 2:
        tally.reordered += 1
        bodies = bodies[::-1]
    results = await asyncio.gather(*(rig.deliver(b, tally.webhook, tally.acks) for b in bodies))
    for body, acked in zip(bodies, results, strict=True):
        if acked and rng.random() < mix.duplicate_share:
            tally.duplicate_posts += 1
            await rig.post(body)
    tally.unacked += sum(1 for r in results if not r)
    return sum(1 for r in results if r)


async def menu_member(
    rig: Rig, phone: str, rounds: int, mix: Mix, tally: Tally, rng: random.Random
) -> None:
    name = f"Member {phone[-4:]}"
    rig.whatsapp._remember(phone, name)  # so the simulator resolves its business-scoped id
    sent = 0
    for n in range(rounds):
        if mix.over:
            break
        # At least one swapped pair per member whenever the mix asks for any (small runs).
        swap = mix.reorder_share > 0 and (n == 1 or rng.random() < mix.reorder_share)
        texts = ["menu", "hi"] if swap else ["menu"]
        bodies = [_body(rig.whatsapp.builder.text(phone, name, t)) for t in texts]
        started = time.monotonic()
        acked = await _send(rig, tally, mix, rng, bodies)
        sent += acked
        tally.messages += acked
        tally.expected_replies += acked
        if await _wait_replies(rig, phone, sent, mix.within()):
            tally.latencies.append(time.monotonic() - started)
        else:
            tally.late += 1


async def paying_member(rig: Rig, rounds: int, mix: Mix, tally: Tally, rng: random.Random) -> None:
    """Offers 0.01 USD to Rudo and taps "Sign & send", `rounds` times, one step at a time."""
    rig.whatsapp._remember(TENDAI, PAYER_NAME)
    for _ in range(rounds):
        if mix.over:
            break
        seen = _replies(rig, TENDAI)
        body = _body(rig.whatsapp.builder.text(TENDAI, PAYER_NAME, "0.01=>rudo"))
        if not await _step(rig, tally, mix, rng, body, seen, 1):
            continue
        button = next(
            (b for p in reversed(rig.whatsapp.sent_to(TENDAI)[seen:]) if (b := _sign_button(p))),
            None,
        )
        if button is None:
            continue  # credex-core refused or was down: the member was told, nothing to tap
        seen = _replies(rig, TENDAI)
        tap = _body(rig.whatsapp.builder.button_reply(TENDAI, PAYER_NAME, button, "Sign & send"))
        # Sent: the report and the dashboard; unsure or refused: one reply.
        await _step(rig, tally, mix, rng, tap, seen, 2, confirm=True)


async def _step(
    rig: Rig,
    tally: Tally,
    mix: Mix,
    rng: random.Random,
    body: bytes,
    seen: int,
    usual: int,
    *,
    confirm: bool = False,
) -> bool:
    """The payer sends one message and waits for its answer: `usual` replies, or at least one
    when fewer come within the bound. False when it was not acknowledged or not answered."""
    acked = await _send(rig, tally, mix, rng, [body])
    tally.messages += acked
    tally.payer_messages += acked
    if confirm:
        tally.confirms += acked  # an acknowledged tap may create a credex, answered or not
    if not acked:
        return False
    started = time.monotonic()
    if not await _wait_replies(rig, TENDAI, seen + 1, mix.within()):
        tally.late += 1
        return False
    tally.latencies.append(time.monotonic() - started)
    if usual > 1:
        left = min(mix.within(), mix.answer_within - (time.monotonic() - started))
        await _wait_replies(rig, TENDAI, seen + usual, max(0.0, left))
    return True


def _sign_button(payload: dict[str, Any]) -> str | None:
    action = payload.get("interactive", {}).get("action", {})
    for button in action.get("buttons", ()):
        reply = button.get("reply", {})
        if "Sign" in reply.get("title", ""):
            return str(reply["id"])
    return None


_TOLD = (  # what the payer reads after a tap (actors/screens/offer.py, settling.py); not
    # "🗑️ Your offer ... was not sent": that confirmation closed untapped (the payer moved on)
    ("sent", ("*Offer sent*", "was sent: it is in your outgoing offers")),
    (
        "not sent",
        (
            "*Not sent*",
            "was *not* sent",
            "I checked with credex-core",
            "so nothing was sent",
            "so nothing new was sent",
        ),
    ),  # a tap on a closed one
    ("checking", ("can't tell yet", "still finding out")),
)


def _said(payload: dict[str, Any]) -> str:
    text = str(payload.get("text", {}).get("body", ""))
    return text + str(payload.get("interactive", {}).get("body", {}).get("text", ""))


def told(rig: Rig) -> dict[str, int]:
    """How often the payer was told each outcome of a confirm tap, counted over its replies."""
    counts = dict.fromkeys((name for name, _ in _TOLD), 0)
    for payload in rig.whatsapp.sent_to(TENDAI):
        text = _said(payload)
        name = next((n for n, marks in _TOLD if any(m in text for m in marks)), None)
        if name is not None:
            counts[name] += 1
    return counts


def _body(delivery: dict[str, Any]) -> bytes:
    from simulator.whatsapp.webhook_builder import encode

    return encode(delivery)


async def outgoing_count(rig: Rig) -> int:
    probe = CredexClient(rig.credex_url, max_retries=0)
    try:
        view = await probe.member_view(TENDAI)
        return sum(
            1
            for a in view.accounts
            for o in a.pending_out
            if abs(o.amount.amount) == Decimal("0.01")
        )
    finally:
        await probe.close()


def verdict(rig: Rig, tally: Tally, phones: list[str], created: int) -> dict[str, float]:
    """The case's numbers; `passed` is 1.0 only when every check holds."""
    got = sum(_replies(rig, p) for p in phones)
    lost = max(0, tally.expected_replies - got) + tally.unacked
    extra = max(0, got - tally.expected_replies)
    duplicate_credex = max(0, created - tally.confirms)
    outcomes = told(rig)
    # The truth (G5): never "sent" without a credex, never "not sent" for one that exists.
    wrong = max(0, outcomes["sent"] - created)
    wrong += max(0, outcomes["not sent"] - (tally.confirms - created))
    untold = max(0, tally.confirms - outcomes["sent"] - outcomes["not sent"])
    # A "menu" message has exactly one reply; each of the payer's has at least one.
    unanswered = lost + max(0, tally.payer_messages - _replies(rig, TENDAI))
    numbers: dict[str, float] = {
        "messages acknowledged": tally.messages,
        "webhook posts": tally.webhook.get("posts", 0),
        "webhook answers not 200": sum(v for k, v in tally.webhook.items() if k != "posts"),
        "duplicate deliveries posted": tally.duplicate_posts,
        "out-of-order pairs": tally.reordered,
        "acknowledged messages lost": lost,
        "member messages unanswered": unanswered,
        "answered late (past the bound)": tally.late,
        "extra replies (sent twice)": extra,
        "confirm taps": tally.confirms,
        "credexes created": created,
        "duplicate credexes": duplicate_credex,
        "taps told sent": outcomes["sent"],
        "taps told not sent": outcomes["not sent"],
        "told checking (outcome unknown)": outcomes["checking"],
        "taps told a wrong outcome": wrong,
        "taps never told the outcome": untold,
        "answer p50 s": tally.p(0.5),
        "answer p99 s": tally.p(0.99),
        "answer max s": max(tally.latencies, default=0.0),
        "webhook ack p99 s": tally.p(0.99, tally.acks),
    }
    for key, count in sorted(tally.webhook.items()):  # e.g. answered_503 while Redis is down
        if key != "posts":
            numbers[f"webhook {key.replace('_', ' ')}"] = count
    ok = lost == 0 and unanswered == 0 and duplicate_credex == 0 and extra == 0
    ok = ok and wrong == 0 and untold == 0
    numbers["passed"] = 1.0 if ok else 0.0
    if not ok:  # what the payer read, to see why
        for payload in rig.whatsapp.sent_to(TENDAI):
            print("   payer read:", _said(payload)[:120].replace("\n", " | "), file=sys.stderr)
    return numbers


async def drain(rig: Rig, tally: Tally, phones: list[str], within: float) -> None:
    """Give replies still waiting (an outage, a lease to expire, the check of a send whose
    outcome was unknown) time to arrive, bounded."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        got = sum(_replies(rig, p) for p in phones)
        outcomes = told(rig)
        settled = outcomes["sent"] + outcomes["not sent"] >= tally.confirms
        answered = _replies(rig, TENDAI) >= tally.payer_messages
        if got >= tally.expected_replies and answered and settled:
            return
        await asyncio.sleep(0.25)


def median(values: list[float]) -> float:
    return statistics.median(values) if values else 0.0
