"""The reminders' book in Redis: every pending reminder (a send whose outcome is unknown, to be
checked once it has settled), shared by every process, so one that dies does not take the
check with it: any process records a reminder once it is due (`actors/reminders.py`).

Two keys with one hash tag (`{reminders}`, one Cluster slot): a sorted set of conversations by
due time and a hash of each one's reminder. One reminder per conversation; a newer replaces it.
"""

from __future__ import annotations

import base64
from collections.abc import Sequence

import orjson
import redis.exceptions as redis_errors

from actors.reminders import Due
from runtime.client import RedisClient
from runtime.contracts import ConversationKey, Envelope, StoreUnavailable
from runtime.keys import Keys, encode_member

# KEYS: due, entries. ARGV: member, due time, entry.
_PUT = """
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1])
redis.call('HSET', KEYS[2], ARGV[1], ARGV[3])
return 1
"""
# KEYS: due, entries. ARGV: now, limit. Returns the due entries.
_DUE = """
local members = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, ARGV[2])
if #members == 0 then return {} end
return redis.call('HMGET', KEYS[2], unpack(members))
"""
# KEYS: due, entries. ARGV: member, entry. Removes it only if it was not replaced meanwhile.
_DONE = """
if redis.call('HGET', KEYS[2], ARGV[1]) == ARGV[2] then
  redis.call('HDEL', KEYS[2], ARGV[1])
  redis.call('ZREM', KEYS[1], ARGV[1])
  return 1
end
return 0
"""
_ERRORS = (redis_errors.RedisError, OSError)


class RedisReminderBook:
    def __init__(self, redis: RedisClient, key_prefix: str) -> None:
        self._redis = redis
        self._keys = Keys(key_prefix).reminders

    async def put(self, envelope: Envelope, at: float) -> None:
        member = encode_member(envelope.key)
        await self._eval(_PUT, member, repr(at), _encode(envelope, at))

    async def due(self, now: float, limit: int) -> Sequence[Due]:
        entries = await self._eval(_DUE, repr(now), limit)
        return [_decode(raw) for raw in entries if raw]

    async def done(self, due: Due) -> None:
        await self._eval(_DONE, encode_member(due.envelope.key), due.entry)

    async def _eval(self, script: str, *args: str | bytes | int) -> list[bytes]:
        try:
            answer = await self._redis.eval(script, 2, *self._keys, *args)
        except _ERRORS as exc:
            raise StoreUnavailable(repr(exc)) from exc
        return list(answer) if isinstance(answer, list) else []


def _encode(envelope: Envelope, at: float) -> bytes:
    key = envelope.key
    fields = {
        "channel": key.channel,
        "user": key.user,
        "message_id": envelope.message_id,
        "payload": base64.b64encode(envelope.payload).decode(),
        "at": at,
    }
    return orjson.dumps(fields)


def _decode(raw: bytes) -> Due:
    fields = orjson.loads(raw)
    envelope = Envelope(
        key=ConversationKey(str(fields["channel"]), str(fields["user"])),
        message_id=str(fields["message_id"]),
        payload=base64.b64decode(fields["payload"]),
    )
    return Due(at=float(fields["at"]), envelope=envelope, entry=raw)
