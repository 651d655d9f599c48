"""Redis key names of the WhatsApp edge, all under the service's key prefix (the runtime's are in
runtime/keys.py, the HTTP routes' in gateway/routes/keys.py).

A `{...}` hash tag decides the Redis Cluster slot: keys one Lua script or one MULTI touches
together must share it. The strings are deployed data: changing one orphans what Redis holds
(tests/foundation/test_redis_keys.py pins every format).
"""

from __future__ import annotations

import attrs

from runtime.contracts import ConversationKey


@attrs.frozen
class WhatsAppKeys:
    prefix: str

    # -- one conversation: tagged `{pnid:user}` like the runtime's keys, because the sender's
    # preflight script reads the window and the progress and takes the pair token in one call.

    def window(self, key: ConversationKey) -> str:
        """Epoch seconds of the user's last message (the 24-hour service window)."""
        return f"{self.prefix}wa:window:{{{key.tag}}}"

    def sent_parts(self, key: ConversationKey, reply_id: str) -> str:
        """How many payloads of one reply Meta accepted, so a retry resumes after them."""
        return f"{self.prefix}wa:sent:{{{key.tag}}}:{reply_id}"

    def pair_bucket(self, key: ConversationKey) -> str:
        """The recipient's token bucket (the pair rate limit)."""
        return f"{self.prefix}wa:pace:{{{key.tag}}}"

    # -- one business number: tagged `{pnid}`, one slot per number; nothing reads two of them in
    # one call, the tag only keeps a number's keys together.

    def number_bucket(self, phone_number_id: str) -> str:
        """The business number's token bucket (WHATSAPP_MESSAGES_PER_SECOND)."""
        return f"{self.prefix}wa:pace:number:{{{phone_number_id}}}"

    def display_number(self, phone_number_id: str) -> str:
        """The number's digits as webhooks show them, for pay links."""
        return f"{self.prefix}wa:display:{{{phone_number_id}}}"

    def media_id(self, phone_number_id: str, digest: str) -> str:
        """The media id Meta gave an upload of these bytes (media ids belong to one number)."""
        return f"{self.prefix}wa:media:{{{phone_number_id}}}:{digest}"

    # -- untagged: each key is read and written alone (one GET, SET or script call per key), so
    # they spread over the whole cluster; a batch of aliases is read with a per-slot MGET.

    def alias(self, phone_number_id: str, phone: str) -> str:
        """phone (wa_id) -> the business-scoped user id that keys the conversation."""
        return f"{self.prefix}wa:alias:{phone_number_id}:{phone}"

    def delivery(self, wamid: str) -> str:
        """The delivery state of one sent message, from status webhooks."""
        return f"{self.prefix}wa:delivery:{wamid}"
