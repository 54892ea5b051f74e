"""What an uploaded file really is, judged by its content, never by its name or declared type.

Evidence arrives from outside (officers, email attachments): an executable named ``.pdf`` or
an HTML page named ``.png`` is refused with the reason. Accepted files keep the type found
here; they are stored under server-made names and only ever served as attachments.
"""

from __future__ import annotations

import hashlib
import zipfile
from dataclasses import dataclass
from typing import IO

from django.conf import settings
from django.core.files.base import ContentFile, File
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lers.core.errors import DomainError, TooLarge

# Signatures of what is refused outright: programs, scripts and active web content.
_EXECUTABLE = [
    (b"MZ", gettext_lazy("a Windows executable")),
    (b"\x7fELF", gettext_lazy("a Linux executable")),
    (b"\xcf\xfa\xed\xfe", gettext_lazy("a macOS executable")),
    (b"\xce\xfa\xed\xfe", gettext_lazy("a macOS executable")),
    (b"\xca\xfe\xba\xbe", gettext_lazy("a macOS or Java executable")),
    (b"#!", gettext_lazy("a script")),
    (b"\x00asm", gettext_lazy("a WebAssembly module")),
]
_ACTIVE_MARKERS = (b"<html", b"<!doctype html", b"<script", b"<svg", b"<?php", b"<%")

_SIGNATURES = [
    (b"%PDF-", "application/pdf", "PDF document"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "PNG image"),
    (b"\xff\xd8\xff", "image/jpeg", "JPEG image"),
    (b"GIF87a", "image/gif", "GIF image"),
    (b"GIF89a", "image/gif", "GIF image"),
    (b"II*\x00", "image/tiff", "TIFF image"),
    (b"MM\x00*", "image/tiff", "TIFF image"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "application/x-ole-storage", "legacy Office document"),
]
_OOXML = {
    "word/": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "DOCX"),
    "xl/": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "XLSX"),
    "ppt/": ("application/vnd.openxmlformats-officedocument.presentationml.presentation", "PPTX"),
}
_HEAD = 8192


@dataclass(frozen=True)
class Sniffed:
    ok: bool
    content_type: str
    description: str
    reason: str = ""


def _refused(reason: str) -> Sniffed:
    return Sniffed(False, "", "", reason)


def sniff(file: IO[bytes], name: str) -> Sniffed:
    """Reads the start of ``file`` (and its zip directory for Office files), then rewinds it."""
    file.seek(0)
    head = file.read(_HEAD)
    file.seek(0)
    label = name.rsplit("/", 1)[-1]
    for signature, what in _EXECUTABLE:
        if head.startswith(signature):
            return _refused(
                _("%(name)s is %(what)s, not a document; executables are not accepted")
                % {"name": label, "what": what}
            )
    if head.startswith(b"PK\x03\x04"):
        return _sniff_zip(file, label)
    for signature, content_type, description in _SIGNATURES:
        if head.startswith(signature):
            return Sniffed(True, content_type, description)
    if head.startswith((b"RIFF",)) and head[8:12] == b"WEBP":
        return Sniffed(True, "image/webp", "WebP image")
    return _sniff_text(head, label)


def _sniff_zip(file: IO[bytes], label: str) -> Sniffed:
    try:
        with zipfile.ZipFile(file) as archive:
            names = archive.namelist()
    except zipfile.BadZipFile:
        return _refused(_("%(name)s is a damaged zip archive") % {"name": label})
    finally:
        file.seek(0)
    if "[Content_Types].xml" in names:
        for prefix, (content_type, description) in _OOXML.items():
            if any(n.startswith(prefix) for n in names):
                if any(n.lower().endswith("vbaproject.bin") for n in names):
                    return _refused(
                        _("%(name)s contains macros; send it without them") % {"name": label}
                    )
                return Sniffed(True, content_type, f"{description} document")
    return Sniffed(True, "application/zip", "zip archive")


def _sniff_text(head: bytes, label: str) -> Sniffed:
    if b"\x00" in head:
        return _refused(
            _("%(name)s is not a document lers recognises (binary content)") % {"name": label}
        )
    lowered = head.lstrip().lower()
    if any(marker in lowered[:1024] for marker in _ACTIVE_MARKERS):
        return _refused(
            _("%(name)s is web content (HTML/SVG/script); send it as PDF") % {"name": label}
        )
    for encoding in ("utf-8", "gb18030", "big5"):
        try:
            head.decode(encoding)
        except UnicodeDecodeError:
            # A multi-byte character cut at the end of the sample is not an error.
            try:
                head[:-4].decode(encoding)
            except UnicodeDecodeError:
                continue
        kind = "text/csv" if label.lower().endswith(".csv") else "text/plain"
        if label.lower().endswith(".eml") or head[:200].lower().startswith(
            (b"from:", b"received:", b"return-path:", b"message-id:", b"mime-version:")
        ):
            kind = "message/rfc822"
        return Sniffed(True, kind, "text")
    return _refused(_("%(name)s is not a document lers recognises") % {"name": label})


@dataclass(frozen=True)
class Upload:
    """A file checked and ready to store: its size, its SHA-256, and what it really is."""

    file: File
    name: str
    size: int
    sha256: str
    content_type: str
    description: str


def upload_check(*, name: str, content: bytes | IO[bytes]) -> Upload:
    """Size limit (413), non-empty, content sniffed; raises a domain error with the reason."""
    name = name.replace("\x00", "")  # a file name is stored; no database takes a NUL
    file = ContentFile(content, name=name) if isinstance(content, bytes) else File(content)
    digest = hashlib.sha256()
    size = 0
    for chunk in file.chunks():
        digest.update(chunk)
        size += len(chunk)
    if size == 0:
        raise DomainError(_("%(name)s is empty") % {"name": name})
    limit = settings.LERS_MAX_UPLOAD_BYTES
    if size > limit:
        raise TooLarge(
            _("%(name)s is %(size).1f MB; the limit is %(limit).0f MB")
            % {"name": name, "size": size / 2**20, "limit": limit / 2**20}
        )
    sniffed = sniff(file, name)
    if not sniffed.ok:
        raise DomainError(sniffed.reason)
    file.seek(0)
    return Upload(
        file=file,
        name=name[:300],
        size=size,
        sha256=digest.hexdigest(),
        content_type=sniffed.content_type,
        description=sniffed.description,
    )
