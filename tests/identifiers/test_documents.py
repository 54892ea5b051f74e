"""Text extraction from the document types a request arrives as, feeding extract() (X-10, HX-06).
Each file is generated inside the test."""

from __future__ import annotations

import io
from email.message import EmailMessage

import pytest

from lers.identifiers import extract
from lers.identifiers.documents import document_text
from lers.identifiers.scan import render_table, scan_text

pytestmark = pytest.mark.req("X-10", "HX-06")

TRON = "TYPG8VeuoVAh2hP7Vfw6ww7vK98nvXXXUG"
EVM = "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"


def _found(name: str, data: bytes) -> list[str]:
    return [f.normalised for f in extract(document_text(name, data)) if f.valid]


def _pdf(lines: list[str]) -> bytes:
    """A one-page PDF with a text layer, written by hand (offsets computed for the xref)."""
    ops = ["BT", "/F1 10 Tf", "14 TL", "40 800 Td"]
    ops += [f"({line}) Tj T*" for line in lines]
    ops.append("ET")
    stream = "\n".join(ops).encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(f"{number} 0 obj\n".encode() + body + b"\nendobj\n")
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for offset in offsets:
        out.write(f"{offset:010d} 00000 n \n".encode())
    out.write(
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    return out.getvalue()


def test_pdf_text_layer_with_wrapped_address():
    data = _pdf(["Request for account data", f"Tron wallet {TRON[:16]}-", f"{TRON[16:]} (USDT)"])
    assert _found("letter.pdf", data) == [TRON]


def test_docx_paragraphs_and_tables():
    from docx import Document

    document = Document()
    document.add_paragraph(f"涉案钱包地址：{TRON}")
    table = document.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text = "ETH"
    table.rows[0].cells[1].text = EVM
    buffer = io.BytesIO()
    document.save(buffer)
    assert _found("request.docx", buffer.getvalue()) == [TRON, EVM]


def test_xlsx_every_cell_on_its_own_line():
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["from", "to", "amount"])
    sheet.append([TRON, EVM, 1200.5])
    buffer = io.BytesIO()
    workbook.save(buffer)
    assert _found("flows.xlsx", buffer.getvalue()) == [TRON, EVM]


def test_csv_cells():
    data = f"from,to\r\n{TRON},{EVM}\r\n".encode("utf-8-sig")
    assert _found("flows.csv", data) == [TRON, EVM]


def test_email_body_and_headers():
    message = EmailMessage()
    message["From"] = "officer@police.example"
    message["To"] = "lers@exchange.example"
    message["Subject"] = "Freeze request"
    message.set_content(f"Please freeze {TRON}.")
    message.add_alternative(f"<p>Please freeze <b>{EVM}</b></p>", subtype="html")
    found = extract(document_text("mail.eml", message.as_bytes()))
    assert [f.normalised for f in found if f.valid] == [
        "officer@police.example",
        "lers@exchange.example",
        TRON,
        EVM,
    ]


def test_scan_text_and_table():
    rows = scan_text(f"钱包地址：{TRON}\nbad {EVM.replace('a', 'A', 1)}")
    assert [(r["kind"], r["valid"], r["label"]) for r in rows] == [
        ("address", True, "钱包地址"),
        ("address", False, None),
    ]
    table = render_table(rows)
    assert TRON in table and "EIP-55 mixed-case checksum mismatch" in table
    assert table.splitlines()[0].split() == [
        "kind",
        "text",
        "normalised",
        "chains",
        "valid",
        "reason",
    ]
