"""Uploads are judged by their content: executables, active web content and macros are refused."""

from __future__ import annotations

import io
import zipfile

import pytest

from lers.cases.lifecycle import State
from lers.cases.services import document_add
from lers.core.errors import DomainError, TooLarge
from lers.core.uploads import sniff

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def office(kind: str, *, macros: bool = False) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(f"{kind}/document.xml", "<doc/>")
        if macros:
            archive.writestr(f"{kind}/vbaProject.bin", b"\x00\x01")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("content", "name", "content_type"),
    [
        (PDF, "order.pdf", "application/pdf"),
        (PNG, "badge.png", "image/png"),
        (b"\xff\xd8\xff\xe0" + b"\x00" * 16, "id.jpg", "image/jpeg"),
        (
            office("word"),
            "letter.docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        (
            office("xl"),
            "flows.xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
        ("地址,金额\n0xabc,100\n".encode("gb18030"), "flows.csv", "text/csv"),
        ("钱包地址：TXYZ…\n".encode(), "notes.txt", "text/plain"),
        (b"From: a@b.gov\nSubject: x\n\nbody", "forwarded.eml", "message/rfc822"),
        (PNG, "misnamed.pdf", "image/png"),  # accepted, typed by content
    ],
)
def test_documents_are_typed_by_content(content, name, content_type):
    result = sniff(io.BytesIO(content), name)
    assert result.ok, result.reason
    assert result.content_type == content_type


@pytest.mark.parametrize(
    ("content", "name", "reason"),
    [
        (b"MZ\x90\x00" + b"\x00" * 60, "court_order.pdf", "Windows executable"),
        (b"\x7fELF\x02\x01\x01", "warrant.pdf", "Linux executable"),
        (b"#!/bin/sh\nrm -rf /\n", "notes.txt", "script"),
        (b"<html><script>alert(1)</script></html>", "badge.png", "web content"),
        (b'<svg xmlns="http://www.w3.org/2000/svg"><script/></svg>', "logo.svg", "web content"),
        (office("word", macros=True), "letter.docm", "macros"),
        (b"PK\x03\x04garbage", "broken.zip", "damaged"),
        (b"\x00\x01\x02\x03binary", "blob.bin", "binary"),
    ],
)
def test_dangerous_or_unknown_content_is_refused_with_the_reason(content, name, reason):
    result = sniff(io.BytesIO(content), name)
    assert not result.ok
    assert reason in result.reason
    assert name in result.reason


@pytest.mark.django_db
def test_document_add_refuses_an_executable_named_pdf(make_case, officer_a):
    case = make_case(State.DRAFT)
    before = case.documents.count()
    with pytest.raises(DomainError, match="Windows executable"):
        document_add(
            case=case,
            by=officer_a,
            doc_type="other",
            name="court_order.pdf",
            content=b"MZ" + b"\x00" * 100,
            content_type="application/pdf",
        )
    assert case.documents.count() == before


@pytest.mark.django_db
def test_document_add_stores_the_sniffed_type_not_the_declared_one(make_case, officer_a):
    case = make_case(State.DRAFT)
    document = document_add(
        case=case,
        by=officer_a,
        doc_type="other",
        name="x.pdf",
        content=PNG,
        content_type="application/pdf",
    )
    assert document.content_type == "image/png"
    assert document.file.name.endswith(document.sha256)  # a server-made name


@pytest.mark.django_db
def test_an_oversized_upload_is_a_413(make_case, officer_a, settings):
    settings.LERS_MAX_UPLOAD_BYTES = 1024
    case = make_case(State.DRAFT)
    with pytest.raises(TooLarge) as caught:
        document_add(case=case, by=officer_a, doc_type="other", name="big.pdf", content=PDF * 50)
    assert caught.value.http_status == 413
