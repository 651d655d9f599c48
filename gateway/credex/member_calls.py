"""Calls made as a member: on-demand login by phone, newest token kept, one re-login on 401.

The member's JWT comes from `/v1/login` (docs/credex-core-api.md §3.2); credex-core refreshes it on
every authenticated
answer (§3.1 step 6), so the newest one seen is kept, which keeps its 5-minute idle window
moving. Answers that are failures become the port's typed errors here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TypeVar

from actors.ports.credex import CredexError
from gateway.credex.errors import CredexUnavailable, classify, message_of
from gateway.credex.parse import ResponseShapeError
from gateway.credex.tokens import TokenCache
from gateway.credex.transport import Answer, Outcome, Transport

T = TypeVar("T")


class MemberCalls:
    """The credex-core calls of many members, each under that member's newest token."""

    def __init__(self, http: Transport, tokens: TokenCache) -> None:
        self.http = http
        self.tokens = tokens

    async def ok(self, operation: str, phone: str, body: Mapping[str, object]) -> Answer:
        outcome = await self.authed(operation, phone, body, retry=True)
        return self.expect(operation, outcome.answer, (200, 201))

    async def authed(
        self, operation: str, phone: str, body: Mapping[str, object], *, retry: bool
    ) -> Outcome:
        token = self.tokens.get(phone)
        fresh = token is None
        if token is None:
            token = await self.login(phone)
        outcome = await self.http.call(operation, body, token, retry=retry)
        if outcome.answer.status == 401 and not fresh:
            # Idle-expired (§3.1 step 3). A 401 is answered before the route runs, so even
            # createCredex is safe to send again once.
            self.tokens.drop(phone, token)
            again = await self.http.call(operation, body, await self.login(phone), retry=retry)
            outcome = Outcome(again.answer, outcome.ambiguous or again.ambiguous)
        if outcome.answer.token is not None:
            self.tokens.put(phone, outcome.answer.token)
        return outcome

    async def login(self, phone: str) -> str:
        outcome = await self.http.call("login", {"phone": phone}, None, retry=True)
        answer = self.expect("login", outcome.answer, (200,))
        body = answer.body
        token = body.get("token") if isinstance(body, dict) else None
        if not isinstance(token, str) or not token:
            token = answer.token
        if token is None:
            raise CredexUnavailable("credex-core login answered without a token", answer.status)
        self.tokens.put(phone, token)
        return token

    def expect(self, operation: str, answer: Answer, statuses: tuple[int, ...]) -> Answer:
        if answer.status not in statuses:
            raise self.error(operation, answer)
        return answer

    @staticmethod
    def error(operation: str, answer: Answer) -> CredexError:
        return classify(operation, answer.status, message_of(answer.body, answer.text))

    @staticmethod
    def parsed(operation: str, answer: Answer, parser: Callable[[object], T]) -> T:
        try:
            return parser(answer.body)
        except ResponseShapeError as exc:
            raise CredexUnavailable(f"unreadable {operation} answer: {exc}", answer.status) from exc
