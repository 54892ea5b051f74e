"""Previews of evidence (issue 16.9): a real PDF rendered to a real PNG, real images checked
by their own bytes, and every hostile or broken file refused with a reason, never a crash."""

from __future__ import annotations

import io
import struct
import zlib

import pytest
from fpdf import FPDF
from PIL import Image
from pypdf import PdfReader, PdfWriter

from lers.core import preview
from lers.core.errors import NotFound
from lers.core.preview import (
    MAX_HEIGHT,
    MAX_PAGES,
    MAX_WIDTH,
    PreviewUnavailable,
    page_number,
    preview_page,
    preview_pages,
)

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def make_pdf(pages: int = 3, *, width: float = 210, height: float = 297) -> bytes:
    pdf = FPDF(unit="mm", format=(width, height))
    pdf.set_font("helvetica", size=28)
    for number in range(1, pages + 1):
        pdf.add_page()
        pdf.cell(text=f"Page {number}")
    return bytes(pdf.output())


def make_image(kind: str = "PNG", size: tuple[int, int] = (40, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, kind)
    return out.getvalue()


def decoded(png: bytes) -> Image.Image:
    assert png.startswith(PNG_SIGNATURE)
    image = Image.open(io.BytesIO(png))
    image.load()  # decodes every pixel: a truncated or corrupt PNG fails here
    assert image.format == "PNG"
    return image


def page_of(data: bytes, content_type: str, page: int = 1, name: str = "f") -> preview.PageImage:
    return preview_page(io.BytesIO(data), name=name, content_type=content_type, page=page)


def test_a_pdf_page_renders_to_a_png_that_decodes():
    """issue 16.9: page 2 of a three-page PDF, rendered server-side, no wider than the bound."""
    image = page_of(make_pdf(3), "application/pdf", page=2)
    assert image.content_type == "image/png" and image.page == 2 and image.pages == 3
    picture = decoded(image.data)
    assert picture.width == MAX_WIDTH and picture.height <= MAX_HEIGHT
    assert picture.getextrema() != ((255, 255),) * 3, "the page's text is drawn, not a blank"


def test_a_pdf_counts_its_pages_and_previews_at_most_the_first_twenty():
    """issue 16.9"""
    assert preview_pages(
        io.BytesIO(make_pdf(2)), name="a.pdf", content_type="application/pdf"
    ) == preview.Pages(shown=2, total=2)
    long = make_pdf(MAX_PAGES + 3)
    pages = preview_pages(io.BytesIO(long), name="a.pdf", content_type="application/pdf")
    assert pages == preview.Pages(shown=MAX_PAGES, total=MAX_PAGES + 3)
    with pytest.raises(NotFound):
        page_of(long, "application/pdf", page=MAX_PAGES + 1)
    with pytest.raises(NotFound):
        page_of(make_pdf(2), "application/pdf", page=3)


@pytest.mark.parametrize(("width", "height"), [(2000, 300), (100, 5000), (20, 20)])
def test_a_page_of_any_shape_stays_within_the_bounds(width, height):
    """issue 16.9: a very wide, very tall or tiny page is scaled to fit 1600 by 2400 pixels."""
    picture = decoded(page_of(make_pdf(1, width=width, height=height), "application/pdf").data)
    assert picture.width <= MAX_WIDTH and picture.height <= MAX_HEIGHT
    assert MAX_WIDTH in (picture.width, picture.height) or MAX_HEIGHT in (
        picture.width,
        picture.height,
    )


@pytest.mark.parametrize(("kind", "content_type"), [("PNG", "image/png"), ("JPEG", "image/jpeg")])
def test_an_image_previews_as_itself_once_its_bytes_say_what_it_is(kind, content_type):
    """issue 16.9"""
    data = make_image(kind)
    image = page_of(data, content_type)
    assert image.data == data and image.content_type == content_type and image.pages == 1
    assert Image.open(io.BytesIO(image.data)).size == (40, 30)
    with pytest.raises(NotFound):
        page_of(data, content_type, page=2)


@pytest.mark.parametrize(
    ("data", "content_type"),
    [
        (b"<html><script>alert(1)</script></html>", "image/png"),  # HTML renamed .png
        (b"\x89PNG\r\n\x1a\n<script>alert(1)</script>", "image/png"),  # a signature, no IHDR
        (make_image("PNG"), "image/jpeg"),  # the bytes and the stored type disagree
        (make_image("GIF"), "image/gif"),  # not a type with a preview
        (b"%PDF-1.7\nthis is not a PDF at all\n%%EOF", "application/pdf"),  # damaged
        (b"<html>not a pdf</html>", "application/pdf"),
        (make_pdf(1), "text/plain"),
    ],
    ids=[
        "html-as-png",
        "bare-signature",
        "type-mismatch",
        "gif",
        "damaged-pdf",
        "html-as-pdf",
        "pdf-as-text",
    ],
)
def test_what_is_not_the_image_or_pdf_it_claims_has_no_preview(data, content_type):
    """issue 16.9: refused with a reason naming the file, never an exception of another kind."""
    with pytest.raises(PreviewUnavailable) as refused:
        page_of(data, content_type, name="evidence.png")
    assert "evidence.png" in refused.value.message
    with pytest.raises(PreviewUnavailable):
        preview_pages(io.BytesIO(data), name="evidence.png", content_type=content_type)


def test_an_image_whose_header_claims_a_huge_size_is_not_shown():
    """issue 16.9: a decompression bomb would stall the reader's browser."""
    png = make_image("PNG")
    body = struct.pack(">II", 100_000, 100_000) + png[24:29]
    ihdr = struct.pack(">I", 13) + b"IHDR" + body + struct.pack(">I", zlib.crc32(b"IHDR" + body))
    bomb = png[:8] + ihdr + png[33:]
    with pytest.raises(PreviewUnavailable, match="too large"):
        page_of(bomb, "image/png")


def test_a_password_protected_pdf_says_so():
    """issue 16.9"""
    writer = PdfWriter()
    for page in PdfReader(io.BytesIO(make_pdf(1))).pages:
        writer.add_page(page)
    writer.encrypt("secret")
    out = io.BytesIO()
    writer.write(out)
    with pytest.raises(PreviewUnavailable, match="password"):
        page_of(out.getvalue(), "application/pdf", name="locked.pdf")


def test_a_render_that_runs_too_long_is_stopped(monkeypatch):
    """issue 16.9: the child process has a wall-clock limit; the reader is told, no 500."""
    monkeypatch.setattr(preview, "RENDER_TIMEOUT_SECONDS", 0.001)
    with pytest.raises(PreviewUnavailable, match="too long"):
        page_of(make_pdf(1), "application/pdf", name="slow.pdf")


@pytest.mark.parametrize(
    ("raw", "page"), [(None, 1), ("", 1), ("1", 1), ("7", 7), (str(MAX_PAGES), MAX_PAGES)]
)
def test_the_page_parameter(raw, page):
    """issue 16.9"""
    assert page_number(raw) == page


@pytest.mark.parametrize("raw", ["0", "-1", str(MAX_PAGES + 1), "abc", "1e3", "٣", " 2", "0002"])
def test_a_page_parameter_out_of_range_is_404(raw):
    """issue 16.9"""
    with pytest.raises(NotFound):
        page_number(raw)


def test_the_png_encoder_writes_what_pillow_reads():
    """issue 16.9: the child's own encoder (rows with padding at the end of each)."""
    rows = [bytes([10, 20, 30] * 3) + b"\x00", bytes([40, 50, 60] * 3) + b"\x00"]
    picture = decoded(preview.png_encode(b"".join(rows), width=3, height=2, stride=10))
    assert picture.size == (3, 2)
    assert picture.getpixel((0, 0)) == (10, 20, 30) and picture.getpixel((2, 1)) == (40, 50, 60)
