"""Auth over real HTTP (docs/credex-core-api.md §3): enforced JWTs with idle expiry and refresh,
identity from the token,
lax mode, the client api key, unknown paths, the rate limit and malformed bodies."""

from simulator.credex.app import SimConfig
from simulator.credex.tokens import verify
from tests.simulator.harness import ManualClock, counting_ids, running

MEMBER_A = "263778177125"
MEMBER_C = "263788435091"


def enforced(clock: ManualClock | None = None, **options: object) -> SimConfig:
    return SimConfig(clock=clock or ManualClock(), ids=counting_ids(), **options)  # type: ignore[arg-type]


async def test_real_route_without_token_is_401_authentication_required() -> None:
    async with running(enforced()) as sim:
        reply = await sim.post("/v1/getMemberDashboardByPhone", {"phone": MEMBER_A})
        assert (reply.status, reply.body) == (401, {"message": "Authentication required"})


async def test_token_signed_elsewhere_is_401_invalid_token() -> None:
    async with running(enforced()) as sim:
        token = await sim.login(MEMBER_A)
    async with running(enforced(jwt_secret="another")) as sim:
        reply = await sim.post("/v1/getMemberDashboardByPhone", {"phone": MEMBER_A}, token)
        assert (reply.status, reply.body) == (401, {"message": "Invalid token"})


async def test_every_authenticated_response_carries_a_refreshed_token() -> None:
    clock = ManualClock()
    async with running(enforced(clock)) as sim:
        token = await sim.login(MEMBER_A)
        clock.advance(120)
        reply = await sim.post("/v1/getMemberDashboardByPhone", {"phone": MEMBER_A}, token)
        scheme, refreshed = reply.headers["Authorization"].split(" ")
        assert scheme == "Bearer" and refreshed != token
        old, new = verify(token, "credex-sim-secret"), verify(refreshed, "credex-sim-secret")
        assert new.issued_at == old.issued_at
        assert new.last_activity == old.last_activity + 120


async def test_token_expires_after_five_idle_minutes_and_refresh_extends_it() -> None:
    clock = ManualClock()
    async with running(enforced(clock)) as sim:
        token = await sim.login(MEMBER_A)
        clock.advance(300)
        reply = await sim.post("/v1/getMemberDashboardByPhone", {"phone": MEMBER_A}, token)
        assert reply.status == 200
        refreshed = reply.headers["Authorization"].split(" ")[1]
        clock.advance(301)
        for stale in (token, refreshed):
            reply = await sim.post("/v1/getMemberDashboardByPhone", {"phone": MEMBER_A}, stale)
            assert (reply.status, reply.body) == (401, {"message": "Token expired"})


async def test_token_of_a_member_that_no_longer_exists_is_invalid() -> None:
    async with running(enforced()) as sim:
        token = await sim.login(MEMBER_A)
        await sim.post("/v1/devadmin/clearDevDBs")
        await sim.post("/v1/devadmin/forceDCO")
        reply = await sim.post("/v1/getMemberByHandle", {"memberHandle": MEMBER_A}, token)
        assert (reply.status, reply.body) == (401, {"message": "Invalid token"})


async def test_member_cannot_read_another_members_dashboard_or_ledger() -> None:
    async with running(enforced()) as sim:
        token = await sim.login(MEMBER_C)
        reply = await sim.post("/v1/getMemberDashboardByPhone", {"phone": MEMBER_A}, token)
        assert reply.status == 403
        greatsun = sim.ledger.account_with_handle("greatsun_trust")
        assert greatsun is not None
        reply = await sim.post("/v1/getLedger", {"accountID": greatsun.account_id}, token)
        assert reply.status == 403
        # C is authorized for vimbisopay_ops without owning it: readable.
        ops = sim.ledger.account_with_handle("vimbisopay_ops")
        assert ops is not None
        reply = await sim.post("/v1/getLedger", {"accountID": ops.account_id}, token)
        assert (reply.status, reply.body) == (200, {})


async def test_member_cannot_offer_from_another_members_account() -> None:
    async with running(enforced()) as sim:
        token = await sim.login(MEMBER_C)
        ledger = sim.ledger
        greatsun, personal_c = (ledger.account_with_handle(h) for h in ("greatsun_trust", MEMBER_C))
        assert greatsun is not None and personal_c is not None
        before = len(ledger.credexes)
        body = {
            "issuerAccountID": greatsun.account_id,
            "receiverAccountID": personal_c.account_id,
            "Denomination": "CAD",
            "InitialAmount": 5,
            "OFFERSorREQUESTS": "OFFERS",
            "securedCredex": True,
        }
        reply = await sim.post("/v1/createCredex", body, token)
        assert reply.status == 403 and "error" in reply.body
        assert len(ledger.credexes) == before


async def test_body_identity_that_differs_from_the_token_is_forbidden() -> None:
    async with running(enforced()) as sim:
        token = await sim.login(MEMBER_C)
        member_a = sim.ledger.member_with_phone(MEMBER_A)
        assert member_a is not None
        body = {"credexID": "00000000-0000-4000-8000-000000000099", "signerID": member_a.member_id}
        reply = await sim.post("/v1/acceptCredex", body, token)
        assert reply.status == 403


async def test_lax_mode_needs_no_token_and_returns_none() -> None:
    async with running(SimConfig(auth="lax", ids=counting_ids())) as sim:
        reply = await sim.post("/v1/getMemberDashboardByPhone", {"phone": MEMBER_A})
        assert reply.status == 200
        assert "Authorization" not in reply.headers


async def test_unknown_path_is_401_without_token_and_404_with_one() -> None:
    for config in (enforced(), SimConfig(auth="lax", ids=counting_ids())):
        async with running(config) as sim:
            assert (await sim.post("/v1/noSuchRoute", {})).status == 401
            token = await sim.login(MEMBER_A)
            reply = await sim.post("/v1/noSuchRoute", {}, token)
            assert (reply.status, reply.body) == (
                404,
                {"status": "error", "statusCode": 404, "message": "Not Found"},
            )


async def test_wrong_method_on_a_keyhole_is_a_plain_404() -> None:
    async with running(enforced()) as sim:
        reply = await sim.get("/v1/login")
        assert (reply.status, reply.body["message"]) == (404, "Not Found")


async def test_login_and_onboarding_require_the_client_api_key_when_configured() -> None:
    async with running(enforced(client_api_key="k3y")) as sim:
        reply = await sim.post("/v1/login", {"phone": MEMBER_A})
        assert (reply.status, reply.body) == (401, {"message": "Unauthorized client"})
        reply = await sim.post("/v1/onboardMember", {}, x_client_api_key="wrong")
        assert reply.status == 401
        reply = await sim.post("/v1/login", {"phone": MEMBER_A}, x_client_api_key="k3y")
        assert reply.status == 200


async def test_rate_limit_answers_plain_text_429_until_the_window_passes() -> None:
    clock = ManualClock()
    async with running(enforced(clock, rate_limit_per_minute=3)) as sim:
        for _ in range(3):
            assert (await sim.get("/health")).status == 200
        clock.advance(20)
        reply = await sim.post("/v1/login", {"phone": MEMBER_A})
        assert reply.status == 429
        assert reply.text == "Too many requests, please try again later"
        assert reply.headers["Content-Type"].startswith("text/html")
        assert reply.headers["Retry-After"] == "40"
        clock.advance(40)
        assert (await sim.post("/v1/login", {"phone": MEMBER_A})).status == 200


async def test_malformed_json_goes_to_the_generic_error_handler() -> None:
    async with running(enforced()) as sim:
        async with sim.session.post(
            sim.base + "/v1/login", data=b'{"phone": ', headers={"Content-Type": "application/json"}
        ) as response:
            body = await response.json()
        assert response.status == 400
        assert body["status"] == "error" and body["statusCode"] == 400


async def test_health_and_request_ids() -> None:
    async with running(enforced()) as sim:
        first, second = await sim.get("/health"), await sim.get("/health")
        assert first.body == {"status": "healthy"}
        assert first.headers["X-Request-ID"] != second.headers["X-Request-ID"]
