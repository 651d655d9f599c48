"""Lists you can type into: what a list page remembers so that `3`, `next` and `prev` work.

The ids stay the ones its rows and paging rows carry (actors.ids), so a typed number does
exactly what the tap on that row would, re-checked against credex-core the same way.
"""

from __future__ import annotations

from collections.abc import Callable

from actors.session import Home


def page_screen(
    rows: tuple[str, ...], first: int, page: int, pages: int, page_id: Callable[[int], str]
) -> Home:
    """Page `page` of `pages`, whose numbered rows carry `rows` from number `first` on;
    `page_id(n)` is the id that shows page n. On a later page `back` goes to the page before."""
    previous = page_id(page - 1) if page > 1 else ""
    return Home(
        rows=rows,
        first=first,
        next_id=page_id(page + 1) if page < pages else "",
        previous_id=previous,
        back_id=previous,
        page_id=page_id(page),
    )
