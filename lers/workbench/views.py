"""Staff pages. Thin: scope through the selectors, call a service, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lers.accounts.models import Role
from lers.accounts.roles import has_role, is_staff_member
from lers.actions.selectors import case_actions
from lers.cases.lifecycle import OPEN, State
from lers.cases.models import CallBack, Case, Deadline
from lers.cases.permissions import Step, may
from lers.cases.selectors import (
    QUEUE_LABELS,
    Queue,
    approved_scope,
    case_get_for_staff,
    case_timeline,
    cases_for_staff,
    document_get_for_staff,
    queue_counts,
    staff_colleagues,
    staff_queue,
    subject_match_get_for_staff,
)
from lers.cases.services import (
    Attachment,
    case_open_for_staff,
    case_resolve_targets,
    case_signals,
    cross_border_limit,
    document_open,
    entities_for_routing,
    message_post,
    route_suggestion,
    subject_decide,
)
from lers.cases.services.verification import callback_required
from lers.core.case_page import apply_transition, case_context
from lers.core.downloads import attachment_response
from lers.core.errors import DomainError
from lers.core.policy import active_policy
from lers.workbench.forms import ScopeForm, StaffMessageForm

QUEUE_PAGE = 200


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The queues (new, mine, due soon, overdue, awaiting the agency, all; by state and
    profile) with their counts."""
    if not is_staff_member(request.user):
        return redirect("portal-cases")
    try:
        queue = Queue(request.GET.get("queue", Queue.ALL))
    except ValueError:
        queue = Queue.ALL
    state = request.GET.get("state", "")
    state = state if state in State.values else ""
    profile = request.GET.get("profile", "")[:50]
    cases = list(
        staff_queue(request.user, queue, state=state, profile=profile).prefetch_related(
            Prefetch(
                "deadlines",
                queryset=Deadline.objects.filter(status__in=Deadline.LIVE).order_by("due_at"),
                to_attr="live_deadlines",
            )
        )[:QUEUE_PAGE]
    )
    readable = set(
        cases_for_staff(request.user)
        .filter(pk__in=[c.pk for c in cases])
        .values_list("pk", flat=True)
    )
    for case in cases:
        case.readable = case.pk in readable
    counts = queue_counts(request.user, state=state, profile=profile)
    return render(
        request,
        "workbench/queue.html",
        {
            "cases": cases,
            "queue": queue,
            "queues": [(q, QUEUE_LABELS[q], counts[q]) for q in Queue],
            "states": [(s.value, s.label) for s in State if s in OPEN and s != State.DRAFT],
            "state": state,
            "profile": profile,
            "can_take": has_role(request.user, Role.INTAKE_ANALYST),
            "truncated": len(cases) == QUEUE_PAGE,
        },
    )


def _page(
    request: HttpRequest, case: Case, *, form: StaffMessageForm | None = None, status: int = 200
) -> HttpResponse:
    context = case_context(case, request.user, staff=True)
    context["timeline"] = case_timeline(case)
    context["message_form"] = form or StaffMessageForm()
    context["can_write"] = case.state in OPEN and may(request.user, Step.WORK, case)
    context["scope"] = approved_scope(case)
    context["fee_notices"] = case.fee_notices.all()
    context["can_charge"] = active_policy().fees.may_charge and may(
        request.user, Step.FEE_NOTICE, case
    )
    context["productions"] = case.productions.select_related("created_by")
    context["can_produce"] = case.state in (State.APPROVED, State.IN_PROGRESS) and may(
        request.user, Step.PRODUCE, case
    )
    context["signals"] = case_signals(case)
    context["callbacks"] = case.callbacks.select_related("officer__user", "called_by")
    context["callback_outcomes"] = CallBack.Outcome.choices
    context["callback_required"] = callback_required(case)
    context["can_call"] = case.state in OPEN and may(request.user, Step.CALLBACK, case)
    context["members"] = case.staff_members.select_related("user").order_by("added_at")
    if context["can_write"]:
        context["colleagues"] = staff_colleagues(case)
    if case.state == State.LEGAL_REVIEW and any(m["name"] == "approve" for m in context["moves"]):
        context["scope_form"] = ScopeForm(case)
        context["cross_border_limit"] = cross_border_limit(case)
    context["actions"] = case_actions(case)
    context["routing"] = _routing(request, case)
    return render(request, "workbench/case.html", context, status=status)


def _routing(request: HttpRequest, case: Case) -> dict[str, Any] | None:
    """The routing form of triage, where the profile has several entities (JU-01)."""
    if case.state not in (State.SUBMITTED, State.TRIAGE) or not may(request.user, Step.ROUTE, case):
        return None
    entities = entities_for_routing()
    if len(entities) < 2:
        return None
    suggestion = route_suggestion(case=case, by=request.user) if case.entity is None else None
    return {"entities": entities, "suggestion": suggestion}


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
