"""Staff pages. Thin: scope through the selectors, call a service, render."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from lers.accounts.roles import is_staff_member
from lers.cases.selectors import (
    case_get_for_staff,
    case_live_deadlines,
    case_timeline,
    document_get_for_staff,
    staff_queue,
)
from lers.cases.services import case_open_for_staff, document_open
from lers.core.case_page import apply_transition, case_context


@login_required
def home(request: HttpRequest) -> HttpResponse:
    if not is_staff_member(request.user):
        return redirect("portal-cases")
    cases = list(staff_queue(request.user)[:200])
    for case in cases:
        case.live_deadlines = list(case_live_deadlines(case))
    return render(request, "workbench/queue.html", {"cases": cases})


@login_required
def case_detail(request: HttpRequest, reference: str) -> HttpResponse:
    case = case_open_for_staff(user=request.user, reference=reference)
    context = case_context(case, request.user, staff=True)
    context["timeline"] = case_timeline(case)
    return render(request, "workbench/case.html", context)


@login_required
@require_POST
def case_transition(request: HttpRequest, reference: str, name: str) -> HttpResponse:
    case = case_get_for_staff(request.user, reference)
    apply_transition(request, case, name)
    return redirect("workbench-case", reference=case.reference)


@login_required
def document_download(request: HttpRequest, reference: str, pk: int) -> FileResponse:
    document = document_open(
        document=document_get_for_staff(request.user, reference, pk), by=request.user
    )
    response = FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=document.original_name,
        content_type=document.content_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
