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
from lers.actions.services.notices import notices_owed_before_disclosure
from lers.cases.jurisdiction import cross_border_of, cross_border_rule_applies
from lers.cases.lifecycle import OPEN, UNDER_REVIEW, State
from lers.cases.models import CallBack, Case, Deadline
from lers.cases.permissions import Step, may, role_allows
from lers.cases.selectors import (
    QUEUE_LABELS,
    QUEUE_ORDER_LABELS,
    Queue,
    QueueOrder,
    approved_scope,
    case_get_for_staff,
    case_page_lists,
    case_timeline,
    case_workers,
    cases_for_staff,
    document_get_for_staff,
    queue_counts,
    queue_profiles,
    staff_colleagues,
    staff_queue,
    subject_match_get_for_staff,
)
from lers.cases.services import (
    Attachment,
    case_open_for_staff,
    case_resolve_targets,
    case_signals,
    complex_refusal,
    cross_border_limit,
    document_open,
    entities_for_routing,
    message_post,
    route_suggestion,
    subject_decide,
)
from lers.cases.services.document_checks import CHECKING
from lers.cases.services.verification import callback_required
from lers.cases.timeline import staff_milestones
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
    search = request.GET.get("q", "")[:200].strip()
    try:
        order = QueueOrder(request.GET.get("order", QueueOrder.URGENCY))
    except ValueError:
        order = QueueOrder.URGENCY
    found = staff_queue(
        request.user, queue, state=state, profile=profile, search=search, order=order
    )
    cases = list(
        found.prefetch_related(
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
    can_take = has_role(request.user, Role.INTAKE_ANALYST)
    for case in cases:
        case.readable = case.pk in readable
        # A new case waits for someone to take it: its title says what it is about.
        case.takeable = can_take and case.state == State.SUBMITTED and not case.assignee_id
    counts = queue_counts(request.user, state=state, profile=profile, search=search)
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
            "profiles": queue_profiles(),
            "search": search,
            "order": order,
            "orders": list(QUEUE_ORDER_LABELS.items()),
            "can_take": can_take,
            "bulk": any(c.readable or c.takeable for c in cases),
            "workers": case_workers() if role_allows(request.user, Step.ASSIGN) else [],
            "truncated": len(cases) == QUEUE_PAGE,
        },
    )


def _page(
    request: HttpRequest, case: Case, *, form: StaffMessageForm | None = None, status: int = 200
) -> HttpResponse:
    context = case_context(case_page_lists(case, matches=True), request.user, staff=True)
    context["timeline"] = list(case_timeline(case))
    context["milestones"] = staff_milestones(case)
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
    # BN-08: what holds a release back, said before anyone clicks it.
    context["notices_owed"] = (
        notices_owed_before_disclosure(case, context["scope"].subjects)
        if context["scope"] is not None and case.state in (State.APPROVED, State.IN_PROGRESS)
        else []
    )
    context["routing"] = _routing(request, case)
    context["checks"] = _checks(request, case)
    rule = cross_border_rule_applies()
    context["cross_border"] = cross_border_of(case) if rule else None
    context["can_correct_cross_border"] = (
        rule and case.state in UNDER_REVIEW and may(request.user, Step.ROUTE, case)
    )
    return render(request, "workbench/case.html", context, status=status)


def _checks(request: HttpRequest, case: Case) -> dict[str, Any]:
    """The document checks (JU-18, HX-05, JU-07) and the complex-case marking (HX-14)."""
    policy = active_policy()
    return {
        "seal_rule": policy.formats.seal_or_signature,
        "sealed_types": policy.sealed_documents(),
        "officer_id_types": policy.officer_id_documents(),
        "document_types": list(policy.document_types),
        "preferred_format": policy.formats.preferred_document_format,
        "can_check": case.state in CHECKING and may(request.user, Step.DOCUMENT_CHECK, case),
        "can_mark_complex": may(request.user, Step.MARK_COMPLEX, case),
        "complex_refusal": complex_refusal(case),
        "extra_days": policy.sla.complex_extra_business_days,
    }


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
