"""The ledger newest first, from credex-core's getLedger, which pages oldest first.

getLedger sorts by acceptedAt ascending and tells nothing about the length of the ledger: no
total, no paging fields (docs/credex-core-api.md §8.2). To show the newest entries first we
need that length N, so it is found once, when the ledger is opened, and then travels in the row
and button ids (`ledger:page:3:end:42`, actors.ids): later pages read exactly their rows.

What it costs in getLedger calls:
- opening the ledger (page 1) with N ≤ 100 entries: 1 call, which returns them all;
- opening a longer ledger: galloping then halving over windows of 100 rows, O(log N) calls
  (N = 101: 5, 150: 4, 250: 2, 1,000: 7, 10,000: 13; at most 11 below 2,000); the newest page
  usually comes from the last window read, else one call more (counted in those figures);
- every later page, and Back from a credex card: 1 call.
The ledger only grows at its newest end (a credex joins it when accepted), so a page read with
an old `end` still shows the same rows; typing *ledger* again counts afresh.
"""

from __future__ import annotations

from typing import Final

from actors.ports.credex import CredexCore, LedgerEntry, LedgerPage

PROBE: Final = 100  # rows per counting call: a whole small ledger in one answer (~100 bytes a row)


async def newest_page(
    credex: CredexCore, phone: str, account_id: str, page: int, size: int, end: int
) -> tuple[LedgerPage, int]:
    """Page `page` (1 = newest) of `size` entries, newest first, and the ledger's length.

    `end` is the length counted when the ledger was opened, or 0 to count it now. In the page,
    `start_row` is how many newer entries come before it and `has_more` says older ones exist.
    """
    known: dict[int, LedgerEntry] = {}  # oldest-first index -> entry, from the calls made here
    if end <= 0:
        end = await _count(credex, phone, account_id, known)
    newer = (page - 1) * size
    top = end - newer  # the oldest-first index just past this page's newest entry
    if top <= 0:
        return LedgerPage((), newer, False), end
    bottom = max(0, top - size)
    if any(i not in known for i in range(bottom, top)):
        _keep(known, bottom, await credex.ledger(phone, account_id, bottom, top - bottom))
    rows = tuple(known[i] for i in range(top - 1, bottom - 1, -1) if i in known)
    return LedgerPage(rows, newer, bottom > 0), end


def _keep(known: dict[int, LedgerEntry], start: int, page: LedgerPage) -> None:
    for offset, entry in enumerate(page.entries):
        known[start + offset] = entry


async def _count(
    credex: CredexCore, phone: str, account_id: str, known: dict[int, LedgerEntry]
) -> int:
    """How many entries the ledger holds, reading windows of PROBE rows.

    `low` entries are known to exist and at most `high` do. A window that comes back partly
    filled gives the count exactly; a full one raises `low`, an empty one lowers `high`.
    """
    low, high = 0, -1  # high < 0: no upper bound yet
    start = 0
    while True:
        window = await credex.ledger(phone, account_id, start, PROBE)
        _keep(known, start, window)
        got = len(window.entries)
        if got and not window.has_more:
            return start + got
        if window.has_more:
            low = start + PROBE + 1
        else:  # nothing from `start` on
            high = start
            if start <= low:
                return low
        if high < 0:
            start = 2 * low  # gallop until a window comes back empty
        elif high - low <= PROBE:
            start = low  # one window covers what is left: it answers exactly
        else:
            start = (low + high) // 2
