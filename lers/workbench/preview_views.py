"""Staff previews of a case's documents and of officers' proofs of authority, in the page.

Each goes through the selector the download uses (404 outside what the staff member may see)
and leaves the download's audit event, once per look (see ``document_preview_open``)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from lers.agencies.selectors import access_proof_get_for_staff
from lers.agencies.services import access_proof_preview_open
from lers.cases.selectors import document_get_for_staff
from lers.cases.services import document_preview_open
from lers.core.downloads import document_preview_page, preview_context, preview_image
from lers.core.preview import page_number


@login_required
def document_preview(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    document = document_preview_open(
        document=document_get_for_staff(request.user, reference, pk), by=request.user
    )
    return document_preview_page(request, document, side="workbench", reference=reference)


@login_required
def document_preview_image(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    page = page_number(request.GET.get("page"))
    document = document_preview_open(
        document=document_get_for_staff(request.user, reference, pk), by=request.user
    )
    return preview_image(
        document.file, name=document.original_name, content_type=document.content_type, page=page
    )


@login_required
def access_proof_preview(request: HttpRequest, pk: int, proof_pk: int) -> HttpResponse:
    page = page_number(request.GET.get("page"))
    proof = access_proof_preview_open(
        user=request.user, proof=access_proof_get_for_staff(request.user, pk, proof_pk)
    )
    context = preview_context(
        proof.file,
        name=proof.original_name,
        content_type=proof.content_type,
        page=page,
        image_url=reverse("workbench-access-proof-preview-image", args=[pk, proof_pk]),
    )
    context.update(
        {
            "doc_type": proof.doc_type,
            "page_url": reverse("workbench-access-proof-preview", args=[pk, proof_pk]),
            "download_url": reverse("workbench-access-proof", args=[pk, proof_pk]),
            "back_url": reverse("workbench-access-detail", args=[pk]),
            "back_label": str(proof.access_request.user),
        }
    )
    return render(request, "core/preview.html", context)


@login_required
def access_proof_preview_image(request: HttpRequest, pk: int, proof_pk: int) -> HttpResponse:
    page = page_number(request.GET.get("page"))
    proof = access_proof_preview_open(
        user=request.user, proof=access_proof_get_for_staff(request.user, pk, proof_pk)
    )
    return preview_image(
        proof.file, name=proof.original_name, content_type=proof.content_type, page=page
    )
