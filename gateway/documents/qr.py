"""QR code images: a pay link drawn as a PNG with segno (pure Python, no native dependencies)."""

from __future__ import annotations

import io
from typing import Final

import segno

# 8 px per module and the standard 4-module quiet zone: a ~300-400 px image that phone cameras
# read from a printed sheet or another phone's screen. Error level M survives a little dirt.
SCALE: Final = 8
BORDER: Final = 4


def render_qr(link: str) -> bytes:
    """The PNG bytes of `link` as a QR code; the same link always gives the same bytes."""
    code = segno.make(link, error="m", micro=False)
    out = io.BytesIO()
    code.save(out, kind="png", scale=SCALE, border=BORDER)
    return out.getvalue()
