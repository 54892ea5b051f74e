"""Staff pages. Thin: scope through the selectors, call a service, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lers.accounts.roles import has_role, is_staff_member
from lers.actions.selectors import case_actions
from lers.cases.categories import DATA_CATEGORIES
from lers.cases.lifecycle import OPEN
from lers.cases.models import Case
from lers.cases.selectors import (
    case_get_for_staff,
    case_live_deadlines,
    case_timeline,
    document_get_for_staff,
    staff_queue,
    subject_match_get_for_staff,
)
from lers.cases.services import (
    Attachment,
    case_open_for_staff,
    case_resolve_targets,
    document_open,
    message_post,
    subject_decide,
)
from lers.cases.services.access import CASE_WORKERS
from lers.core.case_page import apply_transition, case_context
from lers.core.downloads import attachment_response
from lers.core.errors import DomainError
from lers.workbench.forms import StaffMessageForm


@login_required
def home(request: HttpRequest) -> HttpResponse:
    if not is_staff_member(request.user):
        return redirect("portal-cases")
    cases = list(staff_queue(request.user)[:200])
    for case in cases:
        case.live_deadlines = list(case_live_deadlines(case))
    return render(request, "workbench/queue.html", {"cases": cases})


def _page(
    request: HttpRequest, case: Case, *, form: StaffMessageForm | None = None, status: int = 200
) -> HttpResponse:
    context = case_context(case, request.user, staff=True)
    context["timeline"] = case_timeline(case)
    context["message_form"] = form or StaffMessageForm()
    context["can_write"] = case.state in OPEN and has_role(request.user, *CASE_WORKERS)
    context["actions"] = case_actions(case)
    context["categories"] = DATA_CATEGORIES
    return render(request, "workbench/case.html", context, status=status)


@login_required
def case_detail(request: HttpRequest, reference: str) -> HttpResponse:
    return _page(request, case_open_for_staff(user=request.user, reference=reference))


@login_required
@require_POST
def message_send(request: HttpRequest, reference: str) -> HttpResponse:
    case = case_get_for_staff(request.user, reference)
    form = StaffMessageForm(request.POST, request.FILES)
    if not form.is_valid():
        return _page(request, case, form=form, status=400)
    upload = form.cleaned_data.get("file")
    attachments = (
        [Attachment(doc_type=form.cleaned_data["doc_type"], name=upload.name, content=upload)]
        if upload is not None
        else []
    )
    try:
        message_post(
            case=case,
            by=request.user,
            body=form.cleaned_data["body"],
            visibility=form.cleaned_data["visibility"],
            attachments=attachments,
        )
    except DomainError as exc:
        form.add_error(None, exc.message)
        return _page(request, case, form=form, status=exc.http_status)
    return redirect("workbench-case", reference=case.reference)


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
    return attachment_response(
        document.file, filename=document.original_name, content_type=document.content_type
    )


@login_required
@require_POST
def resolve_targets(request: HttpRequest, reference: str) -> HttpResponse:
    case = case_get_for_staff(request.user, reference)
    counts = case_resolve_targets(case=case, by=request.user)
    found = sum(1 for n in counts.values() if n)
    messages.info(
        request,
        _("%(searched)d target(s) searched: %(found)d with candidate accounts, %(none)d without.")
        % {"searched": len(counts), "found": found, "none": len(counts) - found},
    )
    return redirect("workbench-case", reference=case.reference)


@login_required
@require_POST
def subject_decision(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    match = subject_match_get_for_staff(request.user, reference, pk)
    try:
        subject_decide(
            match=match,
            by=request.user,
            confirm=request.POST.get("decision") == "confirm",
            note=request.POST.get("note", ""),
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("workbench-case", reference=reference)
