"""Redis key names. Every key of one conversation carries the hash tag `{channel:user}` so the
whole conversation lives in one Redis Cluster slot and its Lua scripts stay single-slot.
Fleet-wide structures (pending marks, host heartbeats) are split into `SHARDS` keys tagged
`{s0}`..`{s15}`, so on a cluster no single master carries every recorded message."""

from __future__ import annotations

import zlib

import attrs
import orjson

from runtime.contracts import ConversationKey


@attrs.frozen
class ConversationKeys:
    """The keys of one conversation."""

    inbox: str
    session: str
    lease: str
    fence: str
    outbox: str
    dead: str
    outbox_dead: str
    attempts: str
    dedup_base: str

    def dedup(self, message_id: str) -> str:
        # Inside the conversation's slot, so record stays one single-slot script.
        return self.dedup_base + message_id


@attrs.frozen
class Keys:
    """Key naming under one prefix."""

    prefix: str

    def of(self, key: ConversationKey) -> ConversationKeys:
        p, t = self.prefix, "{" + key.tag + "}"
        return ConversationKeys(
            inbox=f"{p}inbox:{t}",
            session=f"{p}session:{t}",
            lease=f"{p}lease:{t}",
            fence=f"{p}fence:{t}",
            outbox=f"{p}outbox:{t}",
            dead=f"{p}dead:{t}",
            outbox_dead=f"{p}outbox-dead:{t}",
            attempts=f"{p}attempts:{t}",
            dedup_base=f"{p}dedup:{t}:",
        )

    def pending(self, key: ConversationKey) -> str:
        """The shard of the fleet-wide sorted set of conversations that may have work that
        holds this conversation; score = when to look next."""
        return self.pending_shard(shard_of(encode_member(key)))

    def pending_shard(self, shard: int) -> str:
        return f"{self.prefix}pending:{{s{shard}}}"

    def pending_shards(self) -> list[str]:
        return [self.pending_shard(shard) for shard in range(SHARDS)]

    def hosts(self, process_id: str) -> str:
        """The shard of the live-host sorted sets holding this process; score = its last
        heartbeat (unix time)."""
        return self.hosts_shard(shard_of(process_id.encode()))

    def hosts_shard(self, shard: int) -> str:
        return f"{self.prefix}hosts:{{s{shard}}}"

    def hosts_shards(self) -> list[str]:
        return [self.hosts_shard(shard) for shard in range(SHARDS)]

    def pokes(self, process_id: str) -> str:
        """Pub/sub channel of one process: conversations it owns that got new work. Tagged by
        the process, so on a cluster it is a shard channel living on one master."""
        return f"{self.poke_prefix}{process_id}}}"

    @property
    def poke_prefix(self) -> str:
        return f"{self.prefix}poke:{{"

    @property
    def reminders(self) -> tuple[str, str]:
        """The reminders' book (gateway/reminder_book.py): the sorted set of due times and the
        hash of entries, one slot (`{reminders}`) so one script touches both."""
        return (
            f"{self.prefix}reminders:{{reminders}}:due",
            f"{self.prefix}reminders:{{reminders}}:entries",
        )

    def ack_probe(self, key: ConversationKey) -> str:
        """A key in the conversation's slot written just before WAIT (REDIS_ACK_REPLICAS)."""
        return f"{self.prefix}ack:{{{key.tag}}}"


SHARDS = 16  # fleet-wide keys per structure: enough to spread over any sensible cluster


def shard_of(member: bytes) -> int:
    return zlib.crc32(member) % SHARDS


def encode_member(key: ConversationKey) -> bytes:
    """A conversation as a pending-set member or poke message (channel and user may hold ':')."""
    return orjson.dumps([key.channel, key.user])


def decode_member(raw: bytes | str) -> ConversationKey:
    channel, user = orjson.loads(raw)
    return ConversationKey(str(channel), str(user))
