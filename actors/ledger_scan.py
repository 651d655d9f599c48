"""Collecting a period of an account's ledger for a statement, through credex-core's paging.

getLedger has no date filter and no paging fields; it lists OWES and CLEARED credexes oldest
first by acceptedAt, skipping `startRow` rows (docs/credex-core-api.md §8.2). Each entry carries
only id, amount and counterparty, so the date and the security come from getCredex (§8.3).

Because the order is by acceptance date, the first row of the period is found by a galloping
then binary search over row numbers (a few calls, however long the ledger), and the period is
then read page by page from there: consecutive `startRow`s over a list that only grows at its
end can neither skip nor repeat a row, and a credexID seen twice is kept once all the same.
"""

from __future__ import annotations

import datetime as dt
from typing import Final

import attrs

from actors.ports.credex import CredexCore, Money

PAGE_ROWS: Final = 25


@attrs.frozen
class StatementEntry:
    credex_id: str
    day: dt.date  # acceptedAt, a UTC date
    counterparty: str
    secured: bool
    amount: Money  # negative when the account owes (§8.2)


@attrs.frozen
class StatementRows:
    entries: tuple[StatementEntry, ...]
    more: bool  # the period holds more entries than `cap`


class _Reader:
    def __init__(self, credex: CredexCore, phone: str, account_id: str) -> None:
        self.credex, self.phone, self.account_id = credex, phone, account_id
        self._days: dict[int, dt.date | None] = {}
        self._entries: dict[str, StatementEntry] = {}  # the search's probes, not asked twice

    async def entry(self, credex_id: str, amount: Money, counterparty: str) -> StatementEntry:
        if credex_id in self._entries:
            return self._entries[credex_id]
        detail = await self.credex.get_credex(self.phone, credex_id, self.account_id)
        # OWES and CLEARED credexes were accepted, so acceptedAt is set; should credex-core
        # ever omit it, the entry still appears, dated as the oldest possible.
        found = self._entries[credex_id] = StatementEntry(
            credex_id,
            detail.accepted_at or dt.date.min,
            counterparty,
            detail.secured,
            amount,
        )
        return found

    async def day_at(self, row: int) -> dt.date | None:
        """The acceptance day of ledger row `row` (0-based), None past the end."""
        if row not in self._days:
            page = await self.credex.ledger(self.phone, self.account_id, row, 1)
            if not page.entries:
                self._days[row] = None
            else:
                e = page.entries[0]
                self._days[row] = (await self.entry(e.credex_id, e.amount, e.counterparty)).day
        return self._days[row]

    async def first_row_from(self, start: dt.date) -> int:
        """The first row accepted on or after `start` (or the row count, if none is)."""

        async def reached(row: int) -> bool:
            found = await self.day_at(row)
            return found is None or found >= start

        if await reached(0):
            return 0
        low, high = 0, 1
        while not await reached(high):
            low, high = high, high * 2
        while high - low > 1:
            middle = (low + high) // 2
            if await reached(middle):
                high = middle
            else:
                low = middle
        return high


async def collect(
    credex: CredexCore, phone: str, account_id: str, start: dt.date, end: dt.date, cap: int
) -> StatementRows:
    """At most `cap` entries accepted from `start` to `end` (inclusive), oldest first."""
    reader = _Reader(credex, phone, account_id)
    row = await reader.first_row_from(start)
    entries: list[StatementEntry] = []
    seen: set[str] = set()
    while True:
        page = await credex.ledger(phone, account_id, row, PAGE_ROWS)
        for item in page.entries:
            if item.credex_id in seen:
                continue
            entry = await reader.entry(item.credex_id, item.amount, item.counterparty)
            if entry.day > end:
                return StatementRows(tuple(entries), more=False)
            if entry.day < start:
                continue
            if len(entries) == cap:
                return StatementRows(tuple(entries), more=True)
            seen.add(item.credex_id)
            entries.append(entry)
        if not page.has_more or not page.entries:
            return StatementRows(tuple(entries), more=False)
        row += len(page.entries)
