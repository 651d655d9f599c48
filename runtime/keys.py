"""Redis key names. Every key of one conversation carries the hash tag `{channel:user}` so the
whole conversation lives in one Redis Cluster slot and its Lua scripts stay single-slot."""

from __future__ import annotations

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

    @property
    def pending(self) -> str:
        """Sorted set of conversations that may have work; score = when to look next."""
        return f"{self.prefix}pending"

    @property
    def hosts(self) -> str:
        """Sorted set of live host processes; score = last heartbeat (unix time)."""
        return f"{self.prefix}hosts"

    def pokes(self, process_id: str) -> str:
        """Pub/sub channel of one process: conversations it owns that got new work."""
        return f"{self.prefix}poke:{process_id}"


def encode_member(key: ConversationKey) -> bytes:
    """A conversation as a pending-set member or poke message (channel and user may hold ':')."""
    return orjson.dumps([key.channel, key.user])


def decode_member(raw: bytes | str) -> ConversationKey:
    channel, user = orjson.loads(raw)
    return ConversationKey(str(channel), str(user))
