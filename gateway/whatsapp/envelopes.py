"""Map parsed webhook messages to runtime envelopes: one conversation per (number, user).

The user is the business-scoped `user_id` when WhatsApp sends one, else the `wa_id`
(docs/whatsapp-cloud-api.md §0 fact 10). Identity-change system events (a new phone number or
user id, §A2) are delivered to the
conversation of the *new* identity, so the conversation carries on where the user now is; the
phone the member is known by at credex-core travels in `Inbound.phone`.
"""

from __future__ import annotations

from collections.abc import Mapping

from opentelemetry import trace

from actors.events import Inbound, encode
from gateway.whatsapp.inbound import Message
from runtime.contracts import ConversationKey, Envelope
from runtime.telemetry import traceparent


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


def current_trace_context() -> dict[str, str]:
    """The W3C trace context of the current span (the webhook's SERVER span). The runtime's
    PRODUCER span per recorded envelope becomes its child (docs/architecture.md "Observability")."""
    return traceparent(trace.get_current_span().get_span_context())


def to_envelope(
    phone_number_id: str, message: Message, trace_context: Mapping[str, str] | None = None
) -> Envelope:
    key = conversation_key(phone_number_id, message)
    event = Inbound(
        message_id=message.wamid,
        phone=phone_of(message),
        profile_name=message.profile_name,
        at=message.timestamp,
        content=message.content,
    )
    context = current_trace_context() if trace_context is None else dict(trace_context)
    return Envelope(key=key, message_id=message.wamid, payload=encode(event), trace_context=context)
