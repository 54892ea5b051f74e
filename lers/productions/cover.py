"""The PDF cover letter of a package (JU-18): who asked, what was approved, the certificate of
records, and the SHA-256 of every file it covers, all times in UTC."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from lers.exchange.names import looks_chinese
from lers.productions.package import FileEntry

# Fonts tried in order: a Unicode font for Latin, Greek and Cyrillic text, then one for Chinese.
# Without them the core font writes what Latin-1 can, and a "?" for the rest.
FONT_CANDIDATES = [
    Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
    Path("/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf"),
]
CJK_CANDIDATES = [
    (Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"), 0),
    (Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"), 2),
]


@dataclass(frozen=True)
class Letter:
    reference: str
    agency: str
    agency_case_number: str
    officers: Sequence[str]
    exchange: str
    subjects: Sequence[str]
    categories: Sequence[str]
    period: str
    created_at: dt.datetime
    certificate: str
    prepared_by: str


def _needs_cjk(letter: Letter) -> bool:
    """Any text the letter prints in Chinese script needs the CJK font."""
    texts = [
        letter.reference,
        letter.agency,
        letter.agency_case_number,
        letter.exchange,
        letter.prepared_by,
        letter.period,
        letter.certificate,
        *letter.officers,
        *letter.subjects,
    ]
    return any(looks_chinese(text) for text in texts)


class _Cover(FPDF):
    def __init__(self, *, cjk: bool) -> None:
        super().__init__(format="A4")
        self.set_margins(18, 18, 18)
        self.set_auto_page_break(auto=True, margin=18)
        self.unicode = False
        for path in FONT_CANDIDATES:
            if path.exists():
                self.add_font("body", fname=str(path))
                self.unicode = True
                break
        if self.unicode and cjk:  # a large font: loaded only for a letter that needs it
            for path, number in CJK_CANDIDATES:
                if path.exists():
                    try:
                        self.add_font("cjk", fname=str(path), collection_font_number=number)
                    except Exception:  # a font this fpdf2 cannot read: Chinese shows as boxes
                        continue
                    self.set_fallback_fonts(["cjk"])
                    break

    def text_of(self, value: str) -> str:
        if self.unicode:
            return value
        return value.encode("latin-1", "replace").decode("latin-1")

    def use(self, size: float, bold: bool = False) -> None:
        if self.unicode:
            self.set_font("body", size=size)
        else:
            self.set_font("helvetica", style="B" if bold else "", size=size)

    def line_of(self, text: str, size: float = 10, bold: bool = False, gap: float = 5.5) -> None:
        self.use(size, bold)
        self.multi_cell(0, gap, self.text_of(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def render_cover(letter: Letter, files: Sequence[FileEntry]) -> bytes:
    pdf = _Cover(cjk=_needs_cjk(letter))
    pdf.set_title(f"Production {letter.reference}")
    pdf.set_creator("lers")
    pdf.add_page()
    pdf.line_of(f"{letter.exchange}: disclosure for {letter.reference}", 15, bold=True, gap=8)
    pdf.line_of(f"Prepared {letter.created_at.astimezone(dt.UTC):%Y-%m-%d %H:%M} UTC")
    pdf.ln(3)
    pdf.line_of(f"Requesting agency: {letter.agency}")
    if letter.agency_case_number:
        pdf.line_of(f"Agency case number: {letter.agency_case_number}")
    if letter.officers:
        pdf.line_of(f"Officers: {', '.join(letter.officers)}")
    pdf.ln(3)
    pdf.line_of("Approved scope", 12, bold=True, gap=7)
    pdf.line_of(f"Accounts: {', '.join(letter.subjects) or 'none'}")
    pdf.line_of(f"Categories of records: {', '.join(letter.categories) or 'none'}")
    pdf.line_of(f"Period (UTC): {letter.period}")
    pdf.ln(3)
    pdf.line_of("Certificate of records", 12, bold=True, gap=7)
    pdf.line_of(letter.certificate)
    pdf.ln(3)
    pdf.line_of("Files and their SHA-256", 12, bold=True, gap=7)
    for entry in files:
        rows = f", {entry.rows} rows" if entry.rows is not None else ""
        pdf.line_of(f"{entry.name} ({entry.bytes} bytes{rows})", 9)
        pdf.line_of(entry.sha256, 8, gap=4.5)
    pdf.ln(3)
    pdf.line_of(
        "All times in these files are in UTC. Check a file with: sha256sum FILE "
        "(or: certutil -hashfile FILE SHA256).",
        9,
    )
    pdf.line_of(
        "Open the CSV files as text: values come from users and may begin with =, +, - or @, "
        "which a spreadsheet would take for a formula. The XLSX workbook holds every value as "
        "text.",
        9,
    )
    pdf.ln(6)
    pdf.line_of(f"Prepared by: {letter.prepared_by}")
    return bytes(pdf.output())
