"""How every stored file leaves lers: as an attachment, never rendered by the browser; a
preview (an image checked or made by :mod:`lers.core.preview`) inline, sandboxed."""

from __future__ import annotations

from typing import IO, Any

from django.db.models.fields.files import FieldFile
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from lers.core.errors import NotFound
from lers.core.preview import PreviewUnavailable, page_number, preview_page, preview_pages


def attachment_response(
    file: FieldFile | IO[bytes], *, filename: str, content_type: str
) -> FileResponse:
    """``Content-Disposition: attachment`` with the original name, and ``nosniff`` so that a
    browser never second-guesses the type (evidence can be hostile)."""
    response = FileResponse(
        file.open("rb") if isinstance(file, FieldFile) else file,
        as_attachment=True,
        filename=filename,
        content_type=content_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


# A preview is shown in the page, so it is locked down as far as an image can be: no script,
# no sub-resource, no type guessing, and never kept by the browser or a proxy.
PREVIEW_HEADERS = {
    "Content-Security-Policy": "sandbox; default-src 'none'",
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-store",
    "Cross-Origin-Resource-Policy": "same-origin",
}


def preview_response(data: bytes, *, content_type: str) -> HttpResponse:
    """An image checked by :mod:`lers.core.preview` (never raw evidence of another type), inline."""
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = "inline"
    for name, value in PREVIEW_HEADERS.items():
        response[name] = value
    return response


def preview_refused_response(message: str, *, status: int = 422) -> HttpResponse:
    """Why there is no preview, as plain text with the same headers (an ``<img>`` shows its
    alt text; the preview page shows the message)."""
    response = HttpResponse(message, content_type="text/plain; charset=utf-8", status=status)
    for name, value in PREVIEW_HEADERS.items():
        response[name] = value
    return response


def preview_image(file: FieldFile, *, name: str, content_type: str, page: int) -> HttpResponse:
    """Page ``page`` of a stored file as an inline image, or the reason there is none."""
    try:
        with file.open("rb") as opened:
            image = preview_page(opened, name=name, content_type=content_type, page=page)
    except PreviewUnavailable as exc:
        return preview_refused_response(exc.message)
    except OSError:
        return preview_refused_response(_unreadable(name))
    return preview_response(image.data, content_type=image.content_type)


def preview_context(
    file: FieldFile, *, name: str, content_type: str, page: int, image_url: str
) -> dict[str, Any]:
    """What the preview page shows: the page image and its neighbours, or why there is none.
    A page the file does not have is a 404."""
    context: dict[str, Any] = {"name": name, "page": page, "pages": None, "unavailable": ""}
    try:
        with file.open("rb") as opened:
            pages = preview_pages(opened, name=name, content_type=content_type)
    except PreviewUnavailable as exc:
        return {**context, "unavailable": exc.message}
    except OSError:
        return {**context, "unavailable": _unreadable(name)}
    if page > pages.shown:
        raise NotFound("no such page")
    return {
        **context,
        "pages": pages,
        "image_url": f"{image_url}?page={page}",
        "previous": page - 1 if page > 1 else None,
        "next": page + 1 if page < pages.shown else None,
    }


def _unreadable(name: str) -> str:
    return _("%(name)s could not be shown; download it to read it.") % {"name": name}


def document_preview_page(
    request: HttpRequest, document: Any, *, side: str, reference: str
) -> HttpResponse:
    """The preview page of a case document, on the officer's side (``side="portal"``) or the
    staff's (``"workbench"``); the caller found ``document`` through its side's selector."""
    pk = document.pk
    context = preview_context(
        document.file,
        name=document.original_name,
        content_type=document.content_type,
        page=page_number(request.GET.get("page")),
        image_url=reverse(f"{side}-document-preview-image", args=[reference, pk]),
    )
    context.update(
        {
            "doc_type": document.doc_type,
            "page_url": reverse(f"{side}-document-preview", args=[reference, pk]),
            "download_url": reverse(f"{side}-document", args=[reference, pk]),
            "back_url": reverse(f"{side}-case", args=[reference]),
            "back_label": reference,
        }
    )
    return render(request, "core/preview.html", context)
