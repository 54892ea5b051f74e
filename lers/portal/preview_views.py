"""Officers' previews of the files of their case, in the page.

Through the officer-scoped selector the download uses (another agency's file, or one attached to
a staff-internal note, is a 404) and with the download's audit event, once per look."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse

from lers.cases.selectors import document_get_for_officer
from lers.cases.services import document_preview_open
from lers.core.downloads import document_preview_page, preview_image
from lers.core.preview import page_number


@login_required
def document_preview(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    document = document_preview_open(
        document=document_get_for_officer(request.user, reference, pk), by=request.user
    )
    return document_preview_page(request, document, side="portal", reference=reference)


@login_required
def document_preview_image(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    page = page_number(request.GET.get("page"))
    document = document_preview_open(
        document=document_get_for_officer(request.user, reference, pk), by=request.user
    )
    return preview_image(
        document.file, name=document.original_name, content_type=document.content_type, page=page
    )
