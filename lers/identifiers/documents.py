"""Text out of the documents a request arrives as, to feed extract().

Each reader takes bytes and returns text. Spreadsheets give every cell on its own line, because
fund-flow sheets put one address per cell and the cells must not run together. The format
libraries are imported inside each reader so that importing this module stays cheap.
"""

from __future__ import annotations

import csv
import email
import email.policy
import io
from email.message import EmailMessage
from pathlib import Path


def pdf_text(data: bytes) -> str:
    """The PDF's text layer (scanned pages without one give nothing; OCR is out of scope)."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() or "" for page in reader.pages)


def docx_text(data: bytes) -> str:
    from docx import Document

    document = Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


def xlsx_text(data: bytes) -> str:
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    lines: list[str] = []
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows(values_only=True):
            lines.extend(str(value) for value in row if value is not None and str(value) != "")
    workbook.close()
    return "\n".join(lines)


def csv_text(data: bytes) -> str:
    text = data.decode("utf-8-sig", errors="replace")
    return "\n".join(cell for row in csv.reader(io.StringIO(text)) for cell in row if cell)


def email_text(data: bytes) -> str:
    """Subject, senders and every text part of an RFC 822 message (HTML is kept as text:
    addresses inside tags are still found)."""
    message = email.message_from_bytes(data, policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    parts = [f"{h}: {message[h]}" for h in ("From", "To", "Reply-To", "Subject") if message[h]]
    for part in message.walk():
        if part.get_content_maintype() == "text" and not part.is_attachment():
            assert isinstance(part, EmailMessage)
            parts.append(str(part.get_content()))
    return "\n".join(parts)


READERS = {
    ".pdf": pdf_text,
    ".docx": docx_text,
    ".xlsx": xlsx_text,
    ".csv": csv_text,
    ".eml": email_text,
}


def document_text(name: str, data: bytes) -> str:
    """Text of a file by its extension; anything else is read as UTF-8 text."""
    reader = READERS.get(Path(name).suffix.lower())
    if reader is None:
        return data.decode("utf-8", errors="replace")
    return reader(data)
