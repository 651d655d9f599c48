"""Map parsed webhook messages to runtime envelopes: one conversation per (number, user).

The user is the business-scoped `user_id` when WhatsApp sends one, else the `wa_id` (cloud-api
fact 10). Identity-change system events (a new phone number or user id, §A2) are delivered to the
conversation of the *new* identity, so the conversation carries on where the user now is; the
phone the member is known by at credex-core travels in `Inbound.phone`.
"""

from __future__ import annotations

from opentelemetry import propagate, trace

from actors.events import Inbound, encode
from gateway.whatsapp.inbound import Message
from runtime.contracts import ConversationKey, Envelope
from runtime.telemetry import hashed

_tracer = trace.get_tracer("gateway.whatsapp")


def hash_user(user: str) -> str:
    """A stable pseudonym for logs and span attributes: user ids are PII (§B4, S112)."""
    return hashed(user)


def conversation_key(phone_number_id: str, message: Message) -> ConversationKey:
    change = message.identity_change
    user_id = message.user_id
    wa_id = message.wa_id
    if change is not None:
        user_id = change.new_user_id or user_id
        wa_id = change.new_wa_id or wa_id
    user = user_id or wa_id
    assert user is not None  # parse_message drops messages with neither id
    return ConversationKey(channel=phone_number_id, user=user)


def phone_of(message: Message) -> str | None:
    change = message.identity_change
    if change is not None and change.new_wa_id is not None:
        return change.new_wa_id
    return message.wa_id


def to_envelope(phone_number_id: str, message: Message) -> Envelope:
    key = conversation_key(phone_number_id, message)
    event = Inbound(
        message_id=message.wamid,
        phone=phone_of(message),
        profile_name=message.profile_name,
        at=message.timestamp,
        content=message.content,
    )
    carrier: dict[str, str] = {}
    # A PRODUCER span per recorded message; its context travels in the inbox entry so the
    # actor's CONSUMER span links to it (ARCHITECTURE "Observability").
    with _tracer.start_as_current_span(
        "send inbox",
        kind=trace.SpanKind.PRODUCER,
        attributes={
            "messaging.system": "whatsapp",
            "messaging.operation.type": "send",
            "messaging.message.id": message.wamid,
            "messaging.message.conversation_id": hash_user(key.tag),
        },
    ):
        propagate.inject(carrier)
    return Envelope(key=key, message_id=message.wamid, payload=encode(event), trace_context=carrier)
