"""CredexClient: the bot's credex-core adapter, implementing actors.ports.credex.CredexCore.

Every call acts as a member identified by phone. The member's JWT comes from `/v1/login` on
demand (docs/credex-core-api.md §3.2), the newest token any answer carries is kept (§3.1), and
one 401 triggers one fresh login. Reads and repeat-safe operations are retried; createCredex
never is (G5). Each call answers within `answer_seconds` (CREDEX_ANSWER_SECONDS): retries
happen inside that bound.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections.abc import Sequence
from decimal import Decimal

from opentelemetry import metrics, trace

from actors.ports.credex import (
    AccountRef,
    BulkAcceptResult,
    Conflict,
    CreatedCredex,
    CredexDetail,
    LedgerPage,
    MemberRef,
    MemberView,
    Onboarded,
)
from gateway.credex import parse
from gateway.credex.errors import CredexUnavailable, message_of
from gateway.credex.member_calls import MemberCalls
from gateway.credex.tokens import TokenCache
from gateway.credex.transport import Clock, Sleep, Transport, default_sleep


class CredexClient:
    """Typed async access to credex-core at `base_url` (ending in /v1)."""

    def __init__(
        self,
        base_url: str,
        *,
        client_api_key: str | None = None,
        connect_timeout: float = 2.0,
        total_timeout: float = 10.0,
        max_retries: int = 6,
        sleep: Sleep = default_sleep,
        rng: random.Random | None = None,
        backoff_base: float = 0.2,
        backoff_cap: float = 5.0,
        max_retry_after: float = 60.0,
        token_cache_size: int = 10_000,
        tracer_provider: trace.TracerProvider | None = None,
        meter_provider: metrics.MeterProvider | None = None,
        answer_seconds: float = 8.0,
        clock: Clock = time.monotonic,
    ) -> None:
        self._http = Transport(
            base_url,
            client_api_key=client_api_key,
            connect_timeout=connect_timeout,
            total_timeout=total_timeout,
            max_retries=max_retries,
            sleep=sleep,
            rng=rng or random.Random(),
            backoff_base=backoff_base,
            backoff_cap=backoff_cap,
            max_retry_after=max_retry_after,
            tracer_provider=tracer_provider,
            meter_provider=meter_provider,
            answer_seconds=answer_seconds,
            clock=clock,
        )
        self._calls = MemberCalls(self._http, TokenCache(token_cache_size))

    @property
    def tokens(self) -> TokenCache:
        """The members' tokens in memory; gateway/credex/tokens.py seals them into sessions."""
        return self._calls.tokens

    async def close(self) -> None:
        await self._http.close()

    async def health(self) -> bool:
        """GET /health (outside /v1): True when credex-core answers 200."""
        return await self._http.healthy()

    # ----- members -----

    async def member_view(self, phone: str) -> MemberView:
        answer = await self._calls.ok("getMemberDashboardByPhone", phone, {"phone": phone})
        return self._calls.parsed("getMemberDashboardByPhone", answer, parse.parse_member_view)

    async def onboard(
        self, phone: str, first_name: str, last_name: str, default_denom: str
    ) -> Onboarded:
        # Not retried: a repeat would meet "Phone number already in use" (§8.1).
        body = {
            "firstname": first_name,
            "lastname": last_name,
            "phone": phone,
            "defaultDenom": default_denom,
        }
        outcome = await self._calls.http.call("onboardMember", body, None, retry=False)
        answer = self._calls.expect("onboardMember", outcome.answer, (200, 201))
        data = parse.as_dict(answer.body, "onboardMember")
        token = data.get("token") or answer.token
        if isinstance(token, str) and token:
            self._calls.tokens.put(phone, token)
        member_id, account_id = self._calls.parsed(
            "onboardMember",
            answer,
            lambda b: (
                parse.parse_member_dashboard(parse.as_dict(b, "onboard").get("memberDashboard")),
                parse.text_field(parse.as_dict(b, "onboard"), "defaultAccountID"),
            ),
        )
        # onboardMember returns no account dashboards; the member view does (§3.3).
        return Onboarded(member_id.member_id, account_id, await self.member_view(phone))

    async def member_by_handle(self, phone: str, handle: str) -> MemberRef:
        # Handles must be lower case; credex-core does not lower-case for us (§10.7).
        body = {"memberHandle": handle.strip().lower()}
        answer = await self._calls.ok("getMemberByHandle", phone, body)
        return self._calls.parsed("getMemberByHandle", answer, parse.parse_member_ref)

    async def account_by_handle(self, phone: str, handle: str) -> AccountRef:
        body = {"accountHandle": handle.strip().lower()}
        answer = await self._calls.ok("getAccountByHandle", phone, body)
        return self._calls.parsed("getAccountByHandle", answer, parse.parse_account_ref)

    # ----- credexes -----

    async def create_credex(
        self,
        phone: str,
        *,
        member_id: str,
        issuer_account_id: str,
        receiver_account_id: str,
        amount: Decimal,
        denomination: str,
        secured: bool,
        due_date: dt.date | None,
    ) -> CreatedCredex:
        body: dict[str, object] = {
            "memberID": member_id,
            "issuerAccountID": issuer_account_id,
            "receiverAccountID": receiver_account_id,
            "Denomination": denomination,
            "InitialAmount": amount,
            "credexType": "PURCHASE",
            "OFFERSorREQUESTS": "OFFERS",
            "securedCredex": secured,
        }
        if due_date is not None:
            body["dueDate"] = due_date.isoformat()
        outcome = await self._calls.authed("createCredex", phone, body, retry=False)
        answer = outcome.answer
        if answer.status == 404 and "dashboard" in message_of(answer.body, answer.text).lower():
            # The credex was created before the dashboard fetch failed (§8.3 step 10).
            raise CredexUnavailable(
                message_of(answer.body, answer.text), answer.status, outcome_unknown=True
            )
        self._calls.expect("createCredex", answer, (200, 201))
        try:
            return parse.parse_created_credex(answer.body, denomination)
        except parse.ResponseShapeError as exc:
            raise CredexUnavailable(
                f"unreadable createCredex answer: {exc}", answer.status, outcome_unknown=True
            ) from exc

    async def accept(self, phone: str, credex_id: str, signer_id: str) -> None:
        await self._settle("acceptCredex", phone, credex_id, signer_id)

    async def decline(self, phone: str, credex_id: str, signer_id: str) -> None:
        await self._settle("declineCredex", phone, credex_id, signer_id)

    async def cancel(self, phone: str, credex_id: str, signer_id: str) -> None:
        await self._settle("cancelCredex", phone, credex_id, signer_id)

    async def accept_bulk(
        self, phone: str, credex_ids: Sequence[str], signer_id: str
    ) -> BulkAcceptResult:
        body = {"credexIDs": list(credex_ids), "signerID": signer_id}
        outcome = await self._calls.authed("acceptCredexBulk", phone, body, retry=True)
        answer = outcome.answer
        # "none processed" is a 400 with per-credex details: still a result (§8.3).
        reply = answer.body
        nothing_done = answer.status == 400 and isinstance(reply, dict) and "details" in reply
        if answer.status == 200 or nothing_done:
            return self._calls.parsed("acceptCredexBulk", answer, parse.parse_bulk)
        raise self._calls.error("acceptCredexBulk", answer)

    async def get_credex(self, phone: str, credex_id: str, account_id: str) -> CredexDetail:
        body = {"credexID": credex_id, "accountID": account_id}
        answer = await self._calls.ok("getCredex", phone, body)
        return self._calls.parsed("getCredex", answer, parse.parse_credex_detail)

    async def ledger(
        self, phone: str, account_id: str, start_row: int, num_rows: int
    ) -> LedgerPage:
        # Ask one row more than shown: credex-core sends no paging fields (§8.2).
        body: dict[str, object] = {"accountID": account_id, "numRows": num_rows + 1}
        if start_row > 0:
            body["startRow"] = start_row  # an explicit 0 is rejected (§8.2 quirk)
        outcome = await self._calls.authed("getLedger", phone, body, retry=True)
        answer = outcome.answer
        if answer.status == 500 and start_row > 0:
            return LedgerPage((), start_row, False)  # past the end can be a 500 (§8.2)
        self._calls.expect("getLedger", answer, (200,))
        entries = self._calls.parsed("getLedger", answer, parse.parse_ledger)
        return LedgerPage(tuple(entries[:num_rows]), start_row, len(entries) > num_rows)

    # ----- accounts -----

    async def create_account(
        self,
        phone: str,
        *,
        owner_id: str,
        name: str,
        handle: str,
        default_denom: str,
        account_type: str,
    ) -> str:
        body = {
            "ownerID": owner_id,
            "accountType": account_type,
            "accountName": name,
            "accountHandle": handle.strip().lower(),
            "defaultDenom": default_denom,
        }
        outcome = await self._calls.authed("createAccount", phone, body, retry=False)
        answer = self._calls.expect("createAccount", outcome.answer, (200, 201))
        return self._calls.parsed(
            "createAccount", answer, lambda b: parse.text_field(parse.as_dict(b, "c"), "accountID")
        )

    async def authorize(
        self, phone: str, *, account_id: str, handle: str, owner_id: str
    ) -> MemberRef:
        # The authorize answer carries no name; the lookup also fails early on unknown handles.
        member = await self.member_by_handle(phone, handle)
        body = {
            "accountID": account_id,
            "memberHandleToBeAuthorized": handle.strip().lower(),
            "ownerID": owner_id,
        }
        await self._calls.ok("authorizeForAccount", phone, body)  # re-authorizing is a no-op (§8.2)
        return member

    async def unauthorize(
        self, phone: str, *, account_id: str, member_id: str, owner_id: str
    ) -> None:
        # The schema names `memberID`, the controller `memberIDtoBeUnauthorized` (§8.2): send both.
        body = {
            "accountID": account_id,
            "memberID": member_id,
            "memberIDtoBeUnauthorized": member_id,
            "ownerID": owner_id,
        }
        await self._calls.ok("unauthorizeForAccount", phone, body)

    async def update_send_offers_to(
        self, phone: str, *, account_id: str, member_id: str, owner_id: str
    ) -> None:
        body = {
            "accountID": account_id,
            "memberID": member_id,
            "memberIDtoSendOffers": member_id,
            "ownerID": owner_id,
        }
        await self._calls.ok("updateSendOffersTo", phone, body)

    # ----- plumbing -----

    async def _settle(self, operation: str, phone: str, credex_id: str, signer_id: str) -> None:
        body = {"credexID": credex_id, "signerID": signer_id}
        outcome = await self._calls.authed(operation, phone, body, retry=True)
        if outcome.answer.status == 200:
            return
        error = self._calls.error(operation, outcome.answer)
        # After a lost answer, "already accepted/processed" is our own earlier attempt: done.
        if isinstance(error, Conflict) and outcome.ambiguous:
            return
        raise error
