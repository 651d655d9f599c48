"""The reminders' book on real Redis (standalone or Cluster): what one process puts, any process
finds once due; a reminder replaced meanwhile survives the old one's `done`."""

from __future__ import annotations

from gateway.reminder_book import RedisReminderBook
from runtime.client import RedisClient
from runtime.contracts import ConversationKey, Envelope

KEY = ConversationKey("106540352242922", "263771000001")


def _envelope(message_id: str) -> Envelope:
    return Envelope(key=KEY, message_id=message_id, payload=b'{"\\xff": 1}\x00')


async def test_a_reminder_put_by_one_process_is_found_by_another_once_due(
    redis_client: RedisClient, key_prefix: str
) -> None:
    await RedisReminderBook(redis_client, key_prefix).put(_envelope("settle:d1:1"), at=100.0)
    other = RedisReminderBook(redis_client, key_prefix)
    assert await other.due(now=99.0, limit=10) == []
    (due,) = await other.due(now=100.0, limit=10)
    assert due.at == 100.0 and due.envelope == _envelope("settle:d1:1")
    await other.done(due)
    assert await other.due(now=1e12, limit=10) == []


async def test_done_leaves_a_reminder_that_replaced_the_one_taken(
    redis_client: RedisClient, key_prefix: str
) -> None:
    book = RedisReminderBook(redis_client, key_prefix)
    await book.put(_envelope("settle:d1:1"), at=100.0)
    (taken,) = await book.due(now=100.0, limit=10)
    await book.put(_envelope("settle:d2:2"), at=200.0)  # the conversation's next unknown send
    await book.done(taken)
    assert await book.due(now=150.0, limit=10) == []
    (left,) = await book.due(now=200.0, limit=10)
    assert left.envelope.message_id == "settle:d2:2"
