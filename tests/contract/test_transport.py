"""Transport behaviours against a scripted server: retries, backoff, outcome of createCredex,
token hygiene and telemetry. Real HTTP over loopback; the client is never mocked."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import random
import socket
from collections.abc import AsyncIterator
from decimal import Decimal

import pytest
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import HistogramDataPoint, InMemoryMetricReader
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind

from actors.ports.credex import Conflict, NotFound, Unavailable
from gateway.credex import CredexClient, CredexUnavailable
from gateway.credex.tokens import TokenCache
from tests.contract.scripted_server import Reply, ScriptedServer, scripted_server

pytestmark = pytest.mark.anyio  # at collection time, so parametrized tests keep their params

PHONE = "263770000001"
CREDEX = "00000000-0000-4000-8000-000000000001"


class RecordedSleep:
    """An injected sleep: records each backoff instead of waiting it out."""

    def __init__(self) -> None:
        self.delays: list[float] = []

    async def __call__(self, delay: float) -> None:
        self.delays.append(delay)
        await asyncio.sleep(0)


@pytest.fixture
async def server() -> AsyncIterator[ScriptedServer]:
    async with scripted_server() as s:
        yield s


@pytest.fixture
def sleep() -> RecordedSleep:
    return RecordedSleep()


@pytest.fixture
async def client(server: ScriptedServer, sleep: RecordedSleep) -> AsyncIterator[CredexClient]:
    c = CredexClient(
        server.base_url,
        client_api_key="key-1",
        total_timeout=0.5,
        max_retries=3,
        sleep=sleep,
        rng=random.Random(7),
    )
    yield c
    await c.close()


async def _create(client: CredexClient) -> object:
    return await client.create_credex(
        PHONE,
        member_id="m",
        issuer_account_id="a",
        receiver_account_id="b",
        amount=Decimal("1.50"),
        denomination="USD",
        secured=True,
        due_date=None,
    )


async def test_create_credex_timeout_is_not_retried_and_outcome_unknown(
    client: CredexClient, server: ScriptedServer
) -> None:
    server.on("createCredex", Reply(delay=2.0, body={}))
    with pytest.raises(CredexUnavailable) as err:
        await _create(client)
    assert err.value.outcome_unknown
    assert server.count("createCredex") == 1


@pytest.mark.parametrize("http_status", [500, 502, 503, 504])
async def test_create_credex_5xx_is_not_retried_and_outcome_unknown(
    client: CredexClient, server: ScriptedServer, http_status: int
) -> None:
    server.on("createCredex", Reply(http_status, {"error": "Internal server error"}))
    with pytest.raises(CredexUnavailable) as err:
        await _create(client)
    assert err.value.outcome_unknown and err.value.status == http_status
    assert server.count("createCredex") == 1


async def test_create_credex_dropped_connection_is_outcome_unknown(
    client: CredexClient, server: ScriptedServer
) -> None:
    server.on("createCredex", Reply(drop=True))
    with pytest.raises(CredexUnavailable) as err:
        await _create(client)
    assert err.value.outcome_unknown
    assert server.count("createCredex") == 1


async def test_create_credex_sends_exact_decimal_and_no_due_date_when_secured(
    client: CredexClient, server: ScriptedServer
) -> None:
    server.on("createCredex", Reply(status=500, body={"error": "Internal server error"}))
    with pytest.raises(Unavailable):
        await _create(client)
    sent = next(s for s in server.seen if s.operation == "createCredex")
    assert isinstance(sent.body, dict)
    assert sent.body["InitialAmount"] == 1.5 and "dueDate" not in sent.body
    assert sent.body["OFFERSorREQUESTS"] == "OFFERS" and sent.body["securedCredex"] is True


async def test_refused_connection_means_nothing_was_sent(sleep: RecordedSleep) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # bound, never listening: connections are refused
        client = CredexClient(f"http://127.0.0.1:{port}/v1", max_retries=2, sleep=sleep)
        try:
            with pytest.raises(CredexUnavailable) as err:
                await client.member_view(PHONE)
            assert not err.value.outcome_unknown
            assert len(sleep.delays) == 2  # the login was retried, then given up
            assert not await client.health()
        finally:
            await client.close()


async def test_reads_retry_5xx_with_growing_jittered_backoff(
    client: CredexClient, server: ScriptedServer, sleep: RecordedSleep
) -> None:
    server.on("getLedger", Reply(503), Reply(502), Reply(504), Reply(200, {}))
    page = await client.ledger(PHONE, "acct", 0, 5)
    assert page.entries == () and not page.has_more
    assert server.count("getLedger") == 4
    assert len(sleep.delays) == 3
    # equal jitter: attempt n waits within [base*2^n/2, base*2^n]
    for n, delay in enumerate(sleep.delays):
        assert 0.2 * 2**n / 2 <= delay <= 0.2 * 2**n


async def test_reads_give_up_after_max_retries(
    client: CredexClient, server: ScriptedServer
) -> None:
    server.on("getCredex", *[Reply(503, {"message": "busy"})] * 4)
    with pytest.raises(CredexUnavailable) as err:
        await client.get_credex(PHONE, CREDEX, "acct")
    assert err.value.status == 503 and not err.value.outcome_unknown
    assert server.count("getCredex") == 4


async def test_429_honours_retry_after(
    client: CredexClient, server: ScriptedServer, sleep: RecordedSleep
) -> None:
    limited = Reply(
        429, text="Too many requests, please try again later", headers={"Retry-After": "7"}
    )
    server.on(
        "getAccountByHandle",
        limited,
        Reply(200, {"accountData": {"accountID": "x", "accountName": "X"}}),
    )
    ref = await client.account_by_handle(PHONE, "Some_Handle")
    assert ref.account_id == "x"
    assert 7 <= sleep.delays[0] < 7.2
    sent = next(s for s in server.seen if s.operation == "getAccountByHandle")
    # lower-cased for credex-core (docs/credex-core-api.md §10.7)
    assert sent.body == {"accountHandle": "some_handle"}


async def test_429_after_retries_is_unavailable_with_credex_cores_text(
    client: CredexClient, server: ScriptedServer
) -> None:
    server.on(
        "getMemberByHandle", *[Reply(429, text="Too many requests, please try again later")] * 4
    )
    with pytest.raises(CredexUnavailable, match="Too many requests"):
        await client.member_by_handle(PHONE, "abc")


async def test_accept_after_a_lost_answer_counts_already_accepted_as_done(
    client: CredexClient, server: ScriptedServer
) -> None:
    server.on(
        "acceptCredex",
        Reply(502),
        Reply(400, {"error": "Credex has already been accepted"}),
    )
    await client.accept(PHONE, CREDEX, "signer")
    assert server.count("acceptCredex") == 2


async def test_already_accepted_without_a_lost_answer_is_a_conflict(
    client: CredexClient, server: ScriptedServer
) -> None:
    server.on("acceptCredex", Reply(400, {"error": "Credex has already been accepted"}))
    with pytest.raises(Conflict, match="already been accepted"):
        await client.accept(PHONE, CREDEX, "signer")


async def test_decline_after_a_timeout_counts_already_processed_as_done(
    client: CredexClient, server: ScriptedServer
) -> None:
    server.on(
        "declineCredex",
        Reply(delay=2.0),
        Reply(404, {"error": "Credex not found or already processed"}),
    )
    await client.decline(PHONE, CREDEX, "signer")


async def test_unknown_member_is_not_found(client: CredexClient, server: ScriptedServer) -> None:
    server.on("login", Reply(400, {"message": "Member not found"}))
    with pytest.raises(NotFound, match="Member not found"):
        await client.member_view(PHONE)


async def test_a_401_logs_in_again_once_and_keeps_the_newest_token(
    client: CredexClient, server: ScriptedServer
) -> None:
    ledger = Reply(200, {}, headers={"Authorization": "Bearer refreshed-1"})
    server.on("getLedger", ledger, Reply(401, {"message": "Token expired"}), Reply(200, {}))
    await client.ledger(PHONE, "acct", 0, 3)
    await client.ledger(PHONE, "acct", 0, 3)
    auths = [s.headers["Authorization"] for s in server.seen if s.operation == "getLedger"]
    assert auths[1] == "Bearer refreshed-1"  # the refreshed token was used next
    assert auths[2] != auths[1]  # after the 401, a fresh login's token
    assert server.count("login") == 2


async def test_a_401_right_after_login_is_not_looped(
    client: CredexClient, server: ScriptedServer
) -> None:
    server.on("getLedger", *[Reply(401, {"message": "Invalid token"})] * 3)
    with pytest.raises(Exception, match="Invalid token"):
        await client.ledger(PHONE, "acct", 0, 3)
    assert server.count("getLedger") == 1 and server.count("login") == 1


async def test_tokens_never_reach_the_logs(
    client: CredexClient, server: ScriptedServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    server.on("login", Reply(200, {"token": "s3cret-token"}))
    server.on("getLedger", Reply(503), Reply(200, {}, headers={"Authorization": "Bearer s3cret-2"}))
    await client.ledger(PHONE, "acct", 0, 3)
    assert caplog.records  # the retry was logged ...
    assert "s3cret" not in caplog.text  # ... without any token


async def test_api_key_is_sent_and_due_date_is_iso(
    client: CredexClient, server: ScriptedServer
) -> None:
    server.on(
        "createCredex", Reply(400, {"error": "Issuer and receiver cannot be the same account"})
    )
    with pytest.raises(Exception, match="cannot be the same"):
        await client.create_credex(
            PHONE,
            member_id="m",
            issuer_account_id="a",
            receiver_account_id="a",
            amount=Decimal("3"),
            denomination="USD",
            secured=False,
            due_date=dt.date(2021, 1, 20),
        )
    sent = next(s for s in server.seen if s.operation == "createCredex")
    assert sent.headers["x-client-api-key"] == "key-1"
    assert isinstance(sent.body, dict) and sent.body["dueDate"] == "2021-01-20"


async def test_every_attempt_is_a_client_span_propagated_and_timed(
    server: ScriptedServer, sleep: RecordedSleep
) -> None:
    spans = InMemorySpanExporter()
    tracing = TracerProvider()
    tracing.add_span_processor(SimpleSpanProcessor(spans))
    reader = InMemoryMetricReader()
    client = CredexClient(
        server.base_url,
        sleep=sleep,
        tracer_provider=tracing,
        meter_provider=MeterProvider(metric_readers=[reader]),
    )
    server.on("getLedger", Reply(503), Reply(200, {}))
    try:
        await client.ledger(PHONE, "acct", 0, 3)
    finally:
        await client.close()
    finished = spans.get_finished_spans()
    ledger = [
        s for s in finished if s.attributes and s.attributes["credex.operation"] == "getLedger"
    ]
    assert [s.attributes["http.response.status_code"] for s in ledger if s.attributes] == [503, 200]
    assert all(s.kind is SpanKind.CLIENT for s in finished)
    assert ledger[0].attributes and ledger[0].attributes["url.path"] == "/v1/getLedger"
    sent = [s for s in server.seen if s.operation == "getLedger"]
    for seen, span in zip(sent, ledger, strict=True):
        _, trace_id, span_id, _ = seen.headers["traceparent"].split("-")
        assert (trace_id, span_id) == (
            f"{span.context.trace_id:032x}",
            f"{span.context.span_id:016x}",
        )
    data = reader.get_metrics_data()
    assert data is not None
    points = [
        p
        for rm in data.resource_metrics
        for sm in rm.scope_metrics
        for m in sm.metrics
        if m.name == "credex.client.duration"
        for p in m.data.data_points
    ]
    by_status = {
        (p.attributes["credex.operation"], p.attributes["http.response.status_code"]): p.count
        for p in points
        if p.attributes and isinstance(p, HistogramDataPoint)
    }
    assert by_status[("getLedger", "503")] == 1 and by_status[("getLedger", "200")] == 1


async def test_health_reads_the_root_health_route(client: CredexClient) -> None:
    assert await client.health()


async def test_first_ledger_page_omits_start_row_and_asks_one_more_row(
    client: CredexClient, server: ScriptedServer
) -> None:
    rows = [
        {
            "credexID": f"c{i}",
            "formattedInitialAmount": f"{i}.00 USD",
            "counterpartyAccountName": "B",
        }
        for i in range(4)
    ]
    server.on("getLedger", Reply(200, rows), Reply(200, rows[3:]))
    first = await client.ledger(PHONE, "acct", 0, 3)
    assert [e.credex_id for e in first.entries] == ["c0", "c1", "c2"] and first.has_more
    second = await client.ledger(PHONE, "acct", 3, 3)
    assert [e.credex_id for e in second.entries] == ["c3"] and not second.has_more
    bodies = [s.body for s in server.seen if s.operation == "getLedger"]
    assert bodies == [
        {"accountID": "acct", "numRows": 4},  # startRow 0 would be refused (§8.2)
        {"accountID": "acct", "numRows": 4, "startRow": 3},
    ]


async def test_a_500_past_the_first_ledger_page_means_no_more_rows(
    client: CredexClient, server: ScriptedServer
) -> None:
    server.on("getLedger", Reply(500, {"status": "error", "statusCode": 500, "message": "x"}))
    page = await client.ledger(PHONE, "acct", 8, 4)
    assert page.entries == () and not page.has_more and page.start_row == 8
    server.on("getLedger", Reply(500, {"status": "error", "statusCode": 500, "message": "boom"}))
    with pytest.raises(Unavailable, match="boom"):
        await client.ledger(PHONE, "acct", 0, 4)


def test_the_token_cache_forgets_the_least_recently_used_member() -> None:
    tokens = TokenCache(capacity=2)
    tokens.put("a", "ta")
    tokens.put("b", "tb")
    assert tokens.get("a") == "ta"  # a is now the most recently used
    tokens.put("c", "tc")
    assert (tokens.get("a"), tokens.get("b"), tokens.get("c")) == ("ta", None, "tc")
    assert "ta" not in repr(tokens) and len(tokens) == 2
    tokens.drop("a", "stale")  # only the token it still holds is dropped
    assert tokens.get("a") == "ta"


async def test_create_credex_404_after_creation_is_outcome_unknown(
    client: CredexClient, server: ScriptedServer
) -> None:
    # HEAD creates the credex, then fails the issuer dashboard fetch (§8.3 step 10, §11 quirk 10).
    server.on("createCredex", Reply(404, {"error": "Failed to fetch dashboard data"}))
    with pytest.raises(CredexUnavailable, match="Failed to fetch dashboard data") as err:
        await _create(client)
    assert err.value.outcome_unknown


async def test_create_credex_401_logs_in_again_and_sends_once_more(
    client: CredexClient, server: ScriptedServer
) -> None:
    # A 401 is answered by the auth middleware before the route runs: nothing was created.
    server.on("getLedger", Reply(200, {}))
    await client.ledger(PHONE, "acct", 0, 1)  # holds a token now
    server.on(
        "createCredex",
        Reply(401, {"message": "Token expired"}),
        Reply(400, {"error": "Issuer and receiver cannot be the same account"}),
    )
    with pytest.raises(Exception, match="cannot be the same account"):
        await _create(client)
    assert server.count("createCredex") == 2 and server.count("login") == 2
