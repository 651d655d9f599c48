"""The bot's own WhatsApp number, for pay links: `WHATSAPP_DISPLAY_NUMBER`, or learnt.

Every webhook names the business number it was sent to (`metadata.display_phone_number`,
docs/whatsapp-cloud-api.md §A2). The gateway stores it per phone_number_id the first time this
process hears it, and the conversation shell reads it back once, so any process of the fleet
can make a pay link. One key per business number, hash-tagged by it (`{pnid}`).
"""

from __future__ import annotations

import logging

import redis.exceptions as redis_errors

from gateway.whatsapp.keys import WhatsAppKeys
from runtime.client import RedisClient

log = logging.getLogger(__name__)


class DisplayNumbers:
    def __init__(self, redis: RedisClient, key_prefix: str, configured: str | None) -> None:
        self._redis = redis
        self._keys = WhatsAppKeys(key_prefix)
        self._configured = configured
        self._known: dict[str, str] = {}  # phone_number_id -> digits, once seen or read

    async def heard(self, phone_number_id: str, number: str | None) -> None:
        """A webhook for `phone_number_id` named `number`: remember it (one write per process)."""
        digits = "".join(ch for ch in number or "" if ch.isdigit())
        if self._configured or not digits or self._known.get(phone_number_id) == digits:
            return
        try:
            await self._redis.set(self._keys.display_number(phone_number_id), digits)
        except redis_errors.RedisError as exc:  # a pay link can wait; the webhook must not
            log.warning("could not store the display number", extra={"reason": repr(exc)})
            return
        self._known[phone_number_id] = digits

    async def lookup(self, phone_number_id: str) -> str | None:
        """The number pay links use: the setting, else the one the webhooks carried."""
        if self._configured:
            return self._configured
        if phone_number_id in self._known:
            return self._known[phone_number_id]
        stored = await self._redis.get(self._keys.display_number(phone_number_id))
        if not stored:
            return None
        digits = stored.decode() if isinstance(stored, bytes) else str(stored)
        self._known[phone_number_id] = digits
        return digits
