"""bench e2e's `mix` taps *Sign & send* as a member would: with the button id of the
confirmation that member was last sent (bench/e2e_graph.py hands those over), and only once
it is due; a confirmation not there yet is typed as `yes` instead, and counted."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import attrs
import orjson

from actors.intents import submit as submit_ids
from actors.screens import offer as offer_screens
from actors.session import Draft, DraftOffer, Identity
from bench.e2e import CONFIRM, _Load, _onboard, _phone, _surname, _verify
from bench.e2e_graph import confirm_tap, offers_sent
from gateway.whatsapp.outbound import build
from simulator.credex.app import SimConfig
from tests.simulator.harness import counting_ids, running

ME = Identity("m1", "Tendai", "tendai", 1, "a1", "Tendai", "tendai", "USD")
OFFER = DraftOffer(Decimal(1), "USD", "263700000001", "m2", "Rudo", False, dt.date(2026, 12, 20))


def _message(raw: bytes) -> dict[str, object]:
    body = orjson.loads(raw.split(b"\r\n\r\n", 1)[1])
    message: dict[str, object] = body["entry"][0]["changes"][0]["value"]["messages"][0]
    return message


def test_the_fake_cloud_api_reads_the_confirm_id_off_the_confirmation_we_send() -> None:
    reply = offer_screens.confirm(ME, Draft("d7f3", (OFFER,)))
    sends = [orjson.dumps(payload) for payload in build("263700000000", reply)]
    taps = [tap for body in sends if (tap := confirm_tap(body))]
    assert taps == [("263700000000", submit_ids.confirm("d7f3"))]
    help_screen = orjson.dumps({"to": "263700000000", "type": "text", "text": {"body": "hi"}})
    assert confirm_tap(help_screen) is None


def test_a_tap_is_written_when_due_with_the_id_the_member_was_last_sent() -> None:
    load = _Load(2, ("1->{other}", CONFIRM))
    offers = list(load.take(2))
    assert [_message(r.raw)["text"] for r in offers] == [
        {"body": f"1->{_phone(1)}"},
        {"body": f"1->{_phone(0)}"},
    ]
    taps = load.take(2)  # not written yet: the confirmations arrive in the meantime
    load.taps[_phone(0)] = "confirm:d1"
    first, second = (_message(r.raw) for r in taps)
    assert first["interactive"] == {
        "type": "button_reply",
        "button_reply": {"id": "confirm:d1", "title": "✍️ Sign & send"},
    }
    assert second["text"] == {"body": "yes"}  # member 1's confirmation never came
    assert (load.tapped, load.taps_missed) == (1, 1)
    assert load.taps == {}  # a confirmation is tapped once


def test_a_load_without_taps_is_written_ahead() -> None:
    load = _Load(3, ("help",))
    assert isinstance(load.take(3), list) and not load.taps_wanted


def test_the_fake_cloud_api_counts_the_offers_the_bot_reports_sent() -> None:
    sent = attrs.evolve(OFFER, credex_id="c1")
    refused = attrs.evolve(OFFER, failure=None)
    one = offer_screens.results(Draft("d1", (sent,)))
    several = offer_screens.results(Draft("d2", (sent, refused, sent)))
    not_sent = offer_screens.results(Draft("d3", (refused,)))
    counted = [
        sum(offers_sent(orjson.dumps(p)) for p in build("263700000000", reply))
        for reply in (one, several, not_sent)
    ]
    assert counted == [1, 2, 0]


async def test_every_load_member_is_onboarded_and_verified_for_unsecured_offers() -> None:
    # A surname of letters only: credex-core strips digits, and "N1" became "N", refused.
    async with running(SimConfig(auth="lax", ids=counting_ids())) as sim:  # as the bench runs it
        ids = await _onboard(sim.base + "/v1", 30)
        assert len(set(ids)) == 30
        dashboard = (await sim.dashboard(_phone(29)))["memberDashboard"]
        assert (dashboard["lastname"], dashboard["memberTier"]) == (_surname(29), 1)
        await _verify(sim.base + "/v1", ids)
        assert {sim.ledger.members[i].tier for i in ids} == {2}
    assert len({_surname(n) for n in range(20_000)}) == 20_000
