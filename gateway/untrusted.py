"""Text from outside that reaches a member (`/api/notify`, credex-core names): made safe to show.

Control characters (NUL, ESC, ...) and the bidirectional overrides and isolates are removed:
they let a sender hide or reorder what the member reads (U+202E turns "gro.liam" into "mail.org").
Zero-width joiners stay, because emoji sequences need them.
"""

from __future__ import annotations

import re

# C0 and C1 controls except tab and newline; DEL; lone surrogates; bidi marks, embeddings,
# overrides and isolates (U+061C, U+200E-F, U+202A-E, U+2066-9).
_UNSAFE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]"
)
_BREAKS = re.compile("[\t\n]+")


def shown_text(text: str) -> str:
    """A message body: unsafe characters removed, tabs and line breaks kept."""
    return _UNSAFE.sub("", text)


def shown_name(text: str) -> str:
    """A name on one line: unsafe characters removed, tabs and line breaks made spaces."""
    return _BREAKS.sub(" ", _UNSAFE.sub("", text)).strip()
