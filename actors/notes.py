"""One message per turn: a turn's short notes ("Cancelled", "your session timed out", "Your
5.00 USD offer to Rudo was not sent") are folded into the body of the screen that follows.

WhatsApp paces messages per user, so every extra message delays the next reply. A note is
folded only while the result stays within the Cloud API limits (G8: interactive body 1024,
text 4096 characters, docs/architecture.md); otherwise it goes as its own message, as long
results may.
"""

from __future__ import annotations

from collections.abc import Sequence

import attrs

from actors.replies import ButtonsMessage, ListMessage, Reply, TextReply

INTERACTIVE_BODY = 1024
TEXT_BODY = 4096
_GAP = "\n\n"


def fold(replies: Sequence[Reply]) -> tuple[Reply, ...]:
    out: list[Reply] = []
    notes: list[str] = []  # texts waiting for the screen that follows them

    def flush() -> None:
        if notes:
            out.append(TextReply(_GAP.join(notes)))
            notes.clear()

    for reply in replies:
        if isinstance(reply, TextReply):
            if notes and len(_GAP.join([*notes, reply.body])) > TEXT_BODY:
                flush()
            notes.append(reply.body)
        elif isinstance(reply, ButtonsMessage | ListMessage):
            body = _GAP.join([*notes, reply.body])
            if notes and len(body) <= INTERACTIVE_BODY:
                out.append(attrs.evolve(reply, body=body, notes=_GAP.join(notes)))
                notes.clear()
            else:
                flush()
                out.append(reply)
        else:
            flush()
            out.append(reply)
    flush()
    return tuple(out)
