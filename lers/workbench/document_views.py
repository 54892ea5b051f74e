"""Staff checks of a case: each official document's seal or signature (JU-18, HX-05), whose ID
an officer's ID is (JU-07), and marking the case complex (HX-14). Thin: scope, call a service."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lers.cases.selectors import case_get_for_staff, document_get_for_staff
from lers.cases.services import (
    case_mark_complex,
    document_officer_set,
    document_retype,
    document_seal_check,
)
from lers.workbench.outcome import act


@login_required
@require_POST
def document_seal(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    document = document_get_for_staff(request.user, reference, pk)
    present = request.POST.get("seal") == "present"
    return act(
        request,
        lambda: document_seal_check(
            document=document, by=request.user, present=present, note=request.POST.get("note", "")
        ),
        _("Seal or signature confirmed.") if present else _("Recorded: no seal or signature."),
        "workbench-case",
        reference=reference,
    )


@login_required
@require_POST
def document_officer(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    document = document_get_for_staff(request.user, reference, pk)
    return act(
        request,
        lambda: document_officer_set(
            document=document, by=request.user, officer_name=request.POST.get("officer_name", "")
        ),
        _("The officer of this ID is recorded."),
        "workbench-case",
        reference=reference,
    )


@login_required
@require_POST
def document_type(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    document = document_get_for_staff(request.user, reference, pk)
    return act(
        request,
        lambda: document_retype(
            document=document,
            by=request.user,
            doc_type=request.POST.get("doc_type", ""),
            reason=request.POST.get("reason", ""),
        ),
        _("The document's type is corrected."),
        "workbench-case",
        reference=reference,
    )


@login_required
@require_POST
def mark_complex(request: HttpRequest, reference: str) -> HttpResponse:
    case = case_get_for_staff(request.user, reference)
    return act(
        request,
        lambda: case_mark_complex(
            case=case, by=request.user, reason=request.POST.get("reason", "")
        ),
        _("Marked complex: the review clock runs longer."),
        "workbench-case",
        reference=reference,
    )
