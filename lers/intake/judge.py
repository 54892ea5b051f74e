"""What an emailed attachment is (JU-03), judged before any case exists: its content (the
upload checks of ``lers.core.uploads``: an executable named ``.pdf`` is refused here, shown in
the intake queue) and its document type, from the profile's ``document_types.*.keywords``
found in the file name, else on the first page (PDF through pypdf, DOCX through python-docx,
plain text as is). A file that names no type is "other"; the analyst may retype any of them.
"""

from __future__ import annotations

import io
import logging
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from lers.core.errors import DomainError
from lers.core.policy import active_policy
from lers.core.uploads import upload_check

log = logging.getLogger(__name__)

OTHER = "other"
# Enough of a first page for its title and opening lines; a page longer than this is cut.
FIRST_PAGE_CHARS = 4000


@dataclass(frozen=True)
class Judged:
    """One attachment as the intake saw it: stored with the message, shown in the queue."""

    name: str
    ok: bool
    content: str  # what the content is ("PDF document"), or "" when refused
    reason: str  # why it is refused, or ""
    doc_type: str  # the profile's document type it was judged to be
    typed_by: str  # "file name", "first page", or "" when nothing named a type
    keyword: str  # the word that decided it

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


def first_page_text(name: str, content_type: str, data: bytes) -> str:
    """The text of the first page (or the first paragraphs); "" when there is none to read."""
    try:
        if content_type == "application/pdf":
            from pypdf import PdfReader

            reader = PdfReader(io.BytesIO(data))
            text = (reader.pages[0].extract_text() or "") if reader.pages else ""
        elif content_type.endswith("wordprocessingml.document"):
            from docx import Document

            text = "\n".join(p.text for p in Document(io.BytesIO(data)).paragraphs[:40])
        elif content_type.startswith("text/"):
            text = data[: FIRST_PAGE_CHARS * 4].decode("utf-8", errors="replace")
        else:
            return ""  # images: no text layer (OCR is out of scope)
    except Exception:  # a damaged file is typed by its name only; the file itself is kept
        log.info("intake: no first page text from %s", name, exc_info=True)
        return ""
    return text[:FIRST_PAGE_CHARS]


def _first_keyword(text: str) -> tuple[str, str] | None:
    """The type whose keyword appears first in ``text`` (a title comes before what it cites)."""
    lowered = " ".join(text.lower().split())
    best: tuple[int, str, str] | None = None
    for code, kind in active_policy().document_types.items():
        for keyword in kind.keywords:
            at = lowered.find(" ".join(keyword.lower().split()))
            if at >= 0 and (best is None or at < best[0]):
                best = (at, code, keyword)
    return (best[1], best[2]) if best else None


def doc_type_judge(name: str, content_type: str, data: bytes) -> tuple[str, str, str]:
    """(document type, what decided it, keyword): the file name first, then the first page."""
    stem = Path(name).stem.replace("_", " ").replace("-", " ")
    found = _first_keyword(stem)
    if found is not None:
        return found[0], "file name", found[1]
    found = _first_keyword(first_page_text(name, content_type, data))
    if found is not None:
        return found[0], "first page", found[1]
    fallback = OTHER if OTHER in active_policy().document_types else ""
    return fallback, "", ""


def attachment_judge(name: str, data: bytes) -> Judged:
    """Content first (a refused file is not typed), then the type."""
    try:
        upload = upload_check(name=name, content=data)
    except DomainError as exc:
        return Judged(name, False, "", exc.message, "", "", "")
    doc_type, typed_by, keyword = doc_type_judge(name, upload.content_type, data)
    return Judged(name, True, upload.description, "", doc_type, typed_by, keyword)
