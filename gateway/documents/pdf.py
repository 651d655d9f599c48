"""PDF rendering of `actors.replies.Document` (a titled table) with fpdf2.

Every word comes from the document, worded by `actors/screens/`; this module only lays it out.
fpdf2's built-in Helvetica covers Latin-1 only, so other characters (emoji, other scripts in a
counterparty's name) are replaced with "?" rather than failing the whole statement.
"""

from __future__ import annotations

import datetime as dt
from typing import Final

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from actors.replies import Document

_FONT: Final = "Helvetica"
# Relative column widths for the statement's five columns; other tables share the page evenly.
_STATEMENT_WIDTHS: Final = (22, 58, 22, 34, 20)
# A fixed creation date keeps the bytes a function of the content, so a statement rendered
# again on a retry has the same hash and reuses the media id uploaded the first time.
_EPOCH: Final = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)


def latin1(text: str) -> str:
    return text.encode("latin-1", errors="replace").decode("latin-1")


def _widths(document: Document, page_width: float) -> list[float]:
    n = len(document.columns)
    weights = _STATEMENT_WIDTHS if n == len(_STATEMENT_WIDTHS) else (1,) * n
    total = sum(weights)
    return [page_width * w / total for w in weights]


class _Statement(FPDF):
    """Numbers each page (a 50-entry statement takes two), footer in small grey type."""

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(_FONT, size=8)
        self.set_text_color(110)
        self.cell(0, 6, f"{self.page_no()} / {{nb}}", align="C")
        self.set_text_color(0)


def render_pdf(document: Document) -> bytes:
    pdf = _Statement(format="A4")
    pdf.set_creation_date(_EPOCH)
    pdf.set_title(latin1(document.title))
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    pdf.set_font(_FONT, style="B", size=16)
    pdf.cell(0, 10, latin1(document.title), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(_FONT, size=10)
    for line in document.heading:
        pdf.cell(0, 6, latin1(line), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(4)
    widths = _widths(document, pdf.epw)
    _row(pdf, document.columns, widths, bold=True)
    for row in document.rows:
        if pdf.will_page_break(6):
            pdf.add_page()
            _row(pdf, document.columns, widths, bold=True)  # the column names on every page
        _row(pdf, row, widths)
    pdf.ln(4)
    pdf.set_font(_FONT, style="B", size=10)
    for line in document.totals:
        pdf.cell(0, 6, latin1(line), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(_FONT, style="I", size=9)
    for line in document.notes:
        pdf.multi_cell(0, 5, latin1(line), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    return bytes(pdf.output())


def _row(pdf: FPDF, cells: tuple[str, ...], widths: list[float], bold: bool = False) -> None:
    pdf.set_font(_FONT, style="B" if bold else "", size=9)
    last = len(widths) - 1
    for i, (text, width) in enumerate(zip(cells, widths, strict=False)):
        align = "R" if i == last - 1 else "L"  # the amount column lines up on the right
        pdf.cell(width, 6, _fit(pdf, latin1(text), width), border="B", align=align)
    pdf.ln(6)


def _fit(pdf: FPDF, text: str, width: float) -> str:
    """Shorten `text` with "..." until it fits its cell (a long name must not overlap)."""
    if pdf.get_string_width(text) <= width - 2:
        return text
    while text and pdf.get_string_width(text + "...") > width - 2:
        text = text[:-1]
    return text.rstrip() + "..."
