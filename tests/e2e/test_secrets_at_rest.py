"""Secrets at rest, across real processes: the member's credex-core token lives only sealed in
the session (STATE_ENCRYPTION_KEY), a second process reuses it instead of logging in again, and
no Redis key or value, nor the bots' logs, holds the token in clear."""

from __future__ import annotations

import re
from pathlib import Path

import orjson
import redis.asyncio as aioredis

from gateway.credex import CredexClient
from runtime.cipher import FieldCipher
from simulator.whatsapp.app import WhatsAppSimulator
from tests.e2e.conftest import TENDAI
from tests.e2e.credex_proxy import CredexProxy
from tests.e2e.phone import Phone, said
from tests.e2e.test_process_killed import BotProcesses, crash_rig  # noqa: F401 (fixture)

JWT = re.compile(rb"eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{10,}")


async def _value(redis: aioredis.Redis, key: bytes) -> object:
    kind = (await redis.type(key)).decode()
    if kind == "string":
        return await redis.get(key)
    if kind == "hash":
        return await redis.hgetall(key)
    if kind == "list":
        return await redis.lrange(key, 0, -1)
    if kind == "set":
        return await redis.smembers(key)
    if kind == "zset":
        return await redis.zrange(key, 0, -1, withscores=True)
    if kind == "stream":
        return await redis.xrange(key)
    return None  # expired meanwhile


async def _everything(redis: aioredis.Redis, prefix: str) -> dict[bytes, object]:
    """Every key under the test's prefix with all of its value, whatever its type."""
    return {key: await _value(redis, key) async for key in redis.scan_iter(match=f"{prefix}*")}


def _clear_in(dump: dict[bytes, object], secret: bytes) -> list[bytes]:
    """Keys whose name or value holds `secret` or anything shaped like a JWT, in clear."""
    return [
        key
        for key, value in dump.items()
        if secret in key + repr(value).encode() or JWT.search(key + repr(value).encode())
    ]


def _session_token(dump: dict[bytes, object], cipher: FieldCipher) -> str:
    """The credex-core token sealed in TENDAI's session, opened."""
    [session] = [v for k, v in dump.items() if b":session:" in k]
    assert isinstance(session, dict)  # the runtime's hash: version and document
    sealed = orjson.loads(session[b"d"])["credex_token"]
    assert isinstance(sealed, str) and sealed.startswith(f"v1.{cipher.key_id}.")
    return cipher.open(sealed, context=TENDAI.encode()).decode()


async def test_the_token_is_sealed_in_the_session_shared_by_processes_and_never_in_clear(
    crash_rig: tuple[BotProcesses, WhatsAppSimulator, CredexProxy, CredexClient],  # noqa: F811
    redis_client: aioredis.Redis,
    key_prefix: str,
    tmp_path: Path,
) -> None:
    bots, whatsapp, proxy, _ = crash_rig
    cipher = FieldCipher.from_setting(bots.env["STATE_ENCRYPTION_KEY"])
    first = await bots.start()
    tendai = Phone(whatsapp, TENDAI)
    (dashboard,) = await tendai.say("hi")
    assert "Tendai" in said([dashboard])
    assert proxy.count("login") == 1

    dump = await _everything(redis_client, key_prefix)
    token = _session_token(dump, cipher)
    assert JWT.fullmatch(token.encode())  # what credex-core issued, kept sealed
    assert _clear_in(dump, token.encode()) == []

    # A second process picks the conversation up: it opens the sealed token, no new login.
    first.terminate()
    await first.wait()
    await bots.start()
    (again,) = await tendai.say("hi")
    assert "Tendai" in said([again])
    assert proxy.count("login") == 1, proxy.calls

    dump = await _everything(redis_client, key_prefix)
    newest = _session_token(dump, cipher)
    assert _clear_in(dump, newest.encode()) == []
    for log in sorted(tmp_path.iterdir()):  # noqa: ASYNC240 - small files, bots stopped
        text = log.read_bytes()
        assert token.encode() not in text and newest.encode() not in text, log
        assert TENDAI.encode() not in text, log  # no phone number in the logs either
    assert tendai.rejected == []
