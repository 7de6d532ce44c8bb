"""The leadership report as a PDF (fpdf2: pure Python, no browser or system libraries needed).

Headline KPIs and the dashboard's charts, drawn as simple bars. It holds aggregates only.
A Unicode font is used when the system has DejaVu Sans; otherwise the built-in Helvetica with
typographic characters mapped to plain ones.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from django.utils import timezone
from fpdf import FPDF

from tandem.insights.kpis import Dashboard
from tandem.ui.charts import Point

FONT_PATHS = ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",)
BRAND = (11, 93, 75)
MUTED = (82, 96, 109)
PLAIN = str.maketrans(
    {
        "—": "-",
        "–": "-",
        "“": '"',
        "”": '"',
        "‘": "'",
        "’": "'",
        "…": "...",
        "·": "-",
        "→": "->",
        "½": "1/2",
        "≥": ">=",
        "≤": "<=",
    }
)


class _Report(FPDF):
    def __init__(self) -> None:
        super().__init__(format="A4")
        self.unicode = False
        for path in FONT_PATHS:
            if Path(path).exists():
                self.add_font("Body", "", path)
                self.add_font("Body", "B", path)
                self.unicode = True
                break
        self.family = "Body" if self.unicode else "Helvetica"
        self.set_auto_page_break(auto=True, margin=16)

    def text(self, value: str) -> str:  # type: ignore[override]
        if self.unicode:
            return value
        return value.translate(PLAIN).encode("latin-1", "replace").decode("latin-1")

    def line_of(
        self,
        value: str,
        *,
        size: int = 10,
        bold: bool = False,
        color: tuple[int, int, int] = (31, 41, 51),
        height: float = 6,
    ) -> None:
        self.set_font(self.family, "B" if bold else "", size)
        self.set_text_color(*color)
        self.multi_cell(0, height, self.text(value), new_x="LMARGIN", new_y="NEXT")

    def bars(self, title: str, points: Sequence[Point]) -> None:
        self.line_of(title, size=11, bold=True)
        if not points or not any(p.value for p in points):
            self.line_of("No data yet.", size=9, color=MUTED)
            return
        top = max(p.value for p in points)
        width = min(18.0, 170 / len(points))
        x0, base = self.l_margin, self.get_y() + 30
        self.set_fill_color(*BRAND)
        self.set_font(self.family, "", 7)
        self.set_text_color(*MUTED)
        for index, point in enumerate(points):
            height = 28 * point.value / top if top else 0
            x = x0 + index * width
            self.rect(x + 1, base - height, width - 2, height, style="F")
            self.text_at(x + 1, base + 4, self.text(str(point.label))[:8])
            self.text_at(x + 1, base - height - 1, f"{point.value:g}")
        self.set_y(base + 8)

    def text_at(self, x: float, y: float, value: str) -> None:
        FPDF.text(self, x, y, value)


def report_pdf(board: Dashboard, *, survey: Any = None) -> bytes:
    pdf = _Report()
    pdf.add_page()
    program = board.program
    pdf.line_of(
        program.name + (f" ({program.cohort})" if program.cohort else ""),
        size=18,
        bold=True,
        color=BRAND,
        height=9,
    )
    pdf.line_of(f"Peer mentoring report - {timezone.localdate():%d %B %Y}", size=10, color=MUTED)
    if program.objectives:
        pdf.line_of(f"Objectives: {program.objectives}", size=10)
    pdf.ln(3)
    if board.refused:
        pdf.line_of(board.refused, size=11)
        return bytes(pdf.output())
    pdf.line_of("Headline KPIs", size=12, bold=True)
    pdf.set_font(pdf.family, "", 10)
    for kpi in board.kpis:  # the same KPIs, in the same order, as the HTML report
        pdf.set_text_color(31, 41, 51)
        pdf.cell(75, 7, pdf.text(kpi.label), border="B")
        pdf.set_font(pdf.family, "B", 10)
        pdf.cell(30, 7, pdf.text(kpi.display), border="B", align="R")
        pdf.set_font(pdf.family, "", 8)
        pdf.set_text_color(*MUTED)
        pdf.cell(0, 7, pdf.text(kpi.detail)[:70], border="B", new_x="LMARGIN", new_y="NEXT")
        pdf.set_font(pdf.family, "", 10)
    if survey:
        pdf.ln(3)
        pdf.line_of("Participant feedback", size=12, bold=True)
        for label, value in getattr(survey, "lines", lambda: [])():
            pdf.line_of(f"{label}: {value}", size=10)
    pdf.ln(4)
    pdf.bars("Sign-ups per week", board.signups)
    pdf.bars("Meetings held per match", board.meetings_histogram)
    pdf.bars("Both hats: balance of topics", board.reciprocity)
    pdf.bars("Relationship health today", board.health)
    pdf.line_of(
        "Aggregates only: no individual's answers, notes or meeting content are included; "
        "groups under 5 people are not reported.",
        size=8,
        color=MUTED,
    )
    return bytes(pdf.output())
