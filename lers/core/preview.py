"""Previews of evidence in the page, safe with hostile files.

An image (PNG, JPEG) is shown as it is, but only once its own bytes say it is that image and
its header gives a sane size. A PDF never reaches the browser's PDF viewer (Chromium blocks the
viewer in a sandboxed frame, and an active PDF is a risk): one page at a time is rendered here,
with PDFium, to a PNG of bounded size. PDFium runs in a child process with a memory and CPU
limit and a wall-clock timeout, so a file that crashes it, loops or balloons costs that child
only (PDFium is also not thread-safe: a process per render needs no lock). Whatever cannot be
shown is a :class:`PreviewUnavailable` with the reason, never a server error.

Run as ``python -m lers.core.preview pages|render PAGE`` it is that child: the PDF on stdin,
one JSON line (``{"pages": shown, "total": n}`` or ``{"error": …}``) and then the PNG on stdout.
"""

from __future__ import annotations

import json
import struct
import subprocess
import sys
import threading
import zlib
from dataclasses import dataclass
from typing import IO, Final

from django.utils.translation import gettext as _

from lers.core.errors import DomainError, NotFound
from lers.core.uploads import sniff

PDF: Final = "application/pdf"
IMAGES: Final = frozenset({"image/png", "image/jpeg"})
PREVIEWABLE: Final = IMAGES | {PDF}

# What a preview may cost. A page image is at most this large, in pixels; a PDF previews its
# first pages only (the whole file is one download away).
MAX_PAGES: Final = 20
MAX_WIDTH: Final = 1600
MAX_HEIGHT: Final = 2400
# An image is shown as uploaded: refuse one whose header claims a size that would stall the
# reader's browser (a decompression bomb).
MAX_IMAGE_SIDE: Final = 12_000
MAX_IMAGE_PIXELS: Final = 50_000_000
# The file read for a preview: evidence is bounded by the upload limit, and this is a guard
# for files that came in another way.
MAX_FILE_BYTES: Final = 64 * 2**20
RENDER_TIMEOUT_SECONDS: Final = 15
RENDER_MEMORY_BYTES: Final = 1536 * 2**20
# Renders at once in one web process; a burst of previews waits, then is told to try again.
_RENDERS = threading.BoundedSemaphore(2)

_PNG: Final = b"\x89PNG\r\n\x1a\n"


class PreviewUnavailable(DomainError):
    """The file cannot be previewed; the message says why, for the person looking."""

    http_status = 422
    code = "no_preview"


@dataclass(frozen=True)
class Pages:
    """The pages a preview shows (at most ``MAX_PAGES``) and the pages the file has."""

    shown: int
    total: int


@dataclass(frozen=True)
class PageImage:
    """One page of a file as an image the browser may show inline."""

    data: bytes
    content_type: str
    page: int
    pages: int


def previewable(content_type: str) -> bool:
    """Whether a file of this (sniffed, stored) type has a preview at all."""
    return content_type in PREVIEWABLE


def page_number(raw: str | None) -> int:
    """The ``page`` query parameter: 1 when absent, else 1 to ``MAX_PAGES``; 404 otherwise."""
    if raw is None or raw == "":
        return 1
    if not raw.isascii() or not raw.isdigit() or len(raw) > 3:
        raise NotFound("no such page")
    page = int(raw)
    if not 1 <= page <= MAX_PAGES:
        raise NotFound("no such page")
    return page


def preview_pages(file: IO[bytes], *, name: str, content_type: str) -> Pages:
    """How many pages the preview has; checks the file on the way."""
    data = _read(file, name)
    if content_type in IMAGES:
        _check_image(data, name=name, content_type=content_type)
        return Pages(shown=1, total=1)
    _check_pdf(data, name=name, content_type=content_type)
    pages, _png = _run_renderer(data, name=name, mode="pages", page=1)
    return pages


def preview_page(file: IO[bytes], *, name: str, content_type: str, page: int) -> PageImage:
    """Page ``page`` of the file as an image: the image itself, or the PDF page as a PNG.
    Raises :class:`NotFound` for a page the preview does not have."""
    data = _read(file, name)
    if content_type in IMAGES:
        _check_image(data, name=name, content_type=content_type)
        if page != 1:
            raise NotFound("no such page")
        return PageImage(data=data, content_type=content_type, page=1, pages=1)
    _check_pdf(data, name=name, content_type=content_type)
    pages, png = _run_renderer(data, name=name, mode="render", page=page)
    if page > pages.shown or not png:
        raise NotFound("no such page")
    return PageImage(data=png, content_type="image/png", page=page, pages=pages.shown)


def _unavailable(name: str) -> PreviewUnavailable:
    return PreviewUnavailable(
        _("%(name)s has no preview; download it to read it.") % {"name": name}
    )


def _read(file: IO[bytes], name: str) -> bytes:
    data = file.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise PreviewUnavailable(
            _("%(name)s is too large to preview; download it to read it.") % {"name": name}
        )
    return data


def _check_pdf(data: bytes, *, name: str, content_type: str) -> None:
    if content_type != PDF or not data.startswith(b"%PDF-"):
        raise _unavailable(name)


def _check_image(data: bytes, *, name: str, content_type: str) -> None:
    """The stored type, the bytes' own signature and a sane size in the header, all agreeing:
    an HTML page named ``.png`` (or stored as one) is not shown."""
    from io import BytesIO

    sniffed = sniff(BytesIO(data[:8192]), name)
    if not sniffed.ok or sniffed.content_type != content_type:
        raise _unavailable(name)
    size = _png_size(data) if content_type == "image/png" else _jpeg_size(data)
    if size is None:
        raise PreviewUnavailable(
            _("%(name)s could not be shown; download it to read it.") % {"name": name}
        )
    width, height = size
    if (
        width < 1
        or height < 1
        or max(width, height) > MAX_IMAGE_SIDE
        or width * height > MAX_IMAGE_PIXELS
    ):
        raise PreviewUnavailable(
            _("%(name)s is too large to preview; download it to read it.") % {"name": name}
        )


def _png_size(data: bytes) -> tuple[int, int] | None:
    """Width and height from the IHDR chunk, which a PNG must start with."""
    if len(data) < 24 or not data.startswith(_PNG) or data[12:16] != b"IHDR":
        return None
    width, height = struct.unpack(">II", data[16:24])
    return int(width), int(height)


def _jpeg_size(data: bytes) -> tuple[int, int] | None:
    """Width and height from the first start-of-frame segment."""
    at = 2
    while at + 4 <= len(data):
        if data[at] != 0xFF:
            return None
        marker = data[at + 1]
        if marker == 0xFF:  # fill byte
            at += 1
            continue
        if marker in (0x01, *range(0xD0, 0xD8)):  # markers without a length
            at += 2
            continue
        (length,) = struct.unpack(">H", data[at + 2 : at + 4])
        if length < 2:
            return None
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            if at + 9 > len(data):
                return None
            height, width = struct.unpack(">HH", data[at + 5 : at + 9])
            return int(width), int(height)
        if marker == 0xDA:  # the image data starts before any frame header: not a JPEG
            return None
        at += 2 + length
    return None


def _run_renderer(data: bytes, *, name: str, mode: str, page: int) -> tuple[Pages, bytes]:
    """The child process: its page count and, for ``render``, the PNG of ``page``."""
    if not _RENDERS.acquire(timeout=RENDER_TIMEOUT_SECONDS):
        raise PreviewUnavailable(_("Previews are busy; try again in a moment."))
    try:
        done = subprocess.run(
            # -I: no environment variables or user site decide what the child imports.
            [sys.executable, "-I", "-m", "lers.core.preview", mode, str(page)],
            input=data,
            capture_output=True,
            timeout=RENDER_TIMEOUT_SECONDS,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise PreviewUnavailable(
            _("%(name)s took too long to preview; download it to read it.") % {"name": name}
        ) from None
    finally:
        _RENDERS.release()
    header, _newline, png = done.stdout.partition(b"\n")
    try:
        answer = json.loads(header) if done.returncode == 0 else {}
    except ValueError:
        answer = {}
    shown = answer.get("pages") if isinstance(answer, dict) else None
    total = answer.get("total") if isinstance(answer, dict) else None
    if not isinstance(shown, int) or not isinstance(total, int) or not 1 <= shown <= total:
        if isinstance(answer, dict) and answer.get("error") == "password":
            raise PreviewUnavailable(
                _("%(name)s is protected by a password; download it to read it.") % {"name": name}
            )
        raise PreviewUnavailable(
            _("%(name)s could not be shown; download it to read it.") % {"name": name}
        )
    if mode == "render" and page <= shown and not png.startswith(_PNG):
        raise PreviewUnavailable(
            _("%(name)s could not be shown; download it to read it.") % {"name": name}
        )
    return Pages(shown=shown, total=total), png


# The child process ---------------------------------------------------------------------------


def png_encode(rgb: bytes | memoryview, *, width: int, height: int, stride: int) -> bytes:
    """A truecolour PNG of 8-bit RGB rows (``stride`` bytes apart), with no filtering."""
    view = memoryview(rgb)
    row = width * 3
    raw = b"".join(b"\x00" + view[y * stride : y * stride + row] for y in range(height))

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body) & 0xFFFFFFFF
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        _PNG + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 6)) + chunk(b"IEND", b"")
    )


def _render_main(argv: list[str]) -> int:
    """Reads the PDF on stdin; writes the JSON line and, for ``render``, the PNG."""
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (RENDER_MEMORY_BYTES, RENDER_MEMORY_BYTES))
    resource.setrlimit(resource.RLIMIT_CPU, (RENDER_TIMEOUT_SECONDS, RENDER_TIMEOUT_SECONDS))
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    mode, page = argv[0], int(argv[1])
    out = sys.stdout.buffer
    try:
        document = pdfium.PdfDocument(sys.stdin.buffer.read(MAX_FILE_BYTES + 1))
    except pdfium.PdfiumError as exc:
        error = "password" if exc.err_code == pdfium_c.FPDF_ERR_PASSWORD else "damaged"
        out.write(json.dumps({"error": error}).encode() + b"\n")
        return 0
    pages = min(len(document), MAX_PAGES)
    out.write(json.dumps({"pages": pages, "total": len(document)}).encode() + b"\n")
    if mode != "render" or not 1 <= page <= pages:
        return 0
    pdf_page = document[page - 1]
    width, height = pdf_page.get_size()
    if width <= 0 or height <= 0:
        return 2
    scale = min(MAX_WIDTH / width, MAX_HEIGHT / height)
    if width * scale < 1 or height * scale < 1:
        return 2
    # No forms are initialised: a page's form fields and their scripts are not run.
    bitmap = pdf_page.render(
        scale=scale, rev_byteorder=True, fill_color=(255, 255, 255, 255), may_draw_forms=False
    )
    if bitmap.n_channels != 3:
        return 2
    out.write(
        png_encode(bitmap.buffer, width=bitmap.width, height=bitmap.height, stride=bitmap.stride)
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(_render_main(sys.argv[1:]))
