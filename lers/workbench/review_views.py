"""Staff pages of the review: taking and assigning a case, approving a scope, fee notices.

Thin: each view scopes through a selector, parses its form, calls one service.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lers.cases.selectors import (
    case_get_for_staff,
    case_get_to_take,
    fee_notice_get_for_staff,
    staff_colleagues,
)
from lers.cases.services import (
    ScopeDecision,
    callback_record,
    case_approve,
    case_assign,
    case_route,
    case_start_triage,
    entities_for_routing,
    fee_notice_issue,
    fee_notice_withdraw,
    officer_flag,
)
from lers.core.errors import DomainError
from lers.workbench.forms import ScopeForm
from lers.workbench.outcome import act


@login_required
@require_POST
def take(request: HttpRequest, reference: str) -> HttpResponse:
    """An intake analyst takes a new case from the queue: it is theirs and in triage."""
    case = case_start_triage(case=case_get_to_take(request.user, reference), by=request.user)
    return redirect("workbench-case", reference=case.reference)


@login_required
@require_POST
def assign(request: HttpRequest, reference: str) -> HttpResponse:
    case = case_get_for_staff(request.user, reference)
    colleague = staff_colleagues(case).filter(pk=request.POST.get("user") or 0).first()

    def run() -> None:
        if colleague is None:
            raise DomainError(_("choose a colleague"))
        case_assign(
            case=case, by=request.user, user=colleague, hold=request.POST.get("hold") == "on"
        )

    done = _("%(name)s is on the case.") % {"name": colleague} if colleague else ""
    return act(request, run, done, "workbench-case", reference=case.reference)


@login_required
@require_POST
def approve(request: HttpRequest, reference: str) -> HttpResponse:
    """Approve with the scope the reviewer chose (JU-09)."""
    case = case_get_for_staff(request.user, reference)
    form = ScopeForm(case, request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("workbench-case", reference=case.reference)
    data = form.cleaned_data
    try:
        case_approve(
            case=case,
            by=request.user,
            note=data["note"],
            scope=ScopeDecision(
                subjects=data["subjects"],
                categories=data["categories"],
                period_start=data["period_start"],
                period_end=data["period_end"],
                actions=data["actions"],
            ),
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Approved."))
    return redirect("workbench-case", reference=case.reference)


@login_required
@require_POST
def fee_new(request: HttpRequest, reference: str) -> HttpResponse:
    case = case_get_for_staff(request.user, reference)
    return act(
        request,
        lambda: fee_notice_issue(
            case=case,
            by=request.user,
            amount=request.POST.get("amount", ""),
            currency=request.POST.get("currency", ""),
            description=request.POST.get("description", ""),
        ),
        _("The fee notice was sent to the agency."),
        "workbench-case",
        reference=case.reference,
    )


@login_required
@require_POST
def fee_withdraw(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    notice = fee_notice_get_for_staff(request.user, reference, pk)
    return act(
        request,
        lambda: fee_notice_withdraw(notice=notice, by=request.user),
        "",
        "workbench-case",
        reference=reference,
    )


@login_required
@require_POST
def callback_new(request: HttpRequest, reference: str) -> HttpResponse:
    """Record a verification call (JU-04, X-04)."""
    case = case_get_for_staff(request.user, reference)
    officer = case.officers.filter(pk=request.POST.get("officer") or 0).first()
    try:
        callback = callback_record(
            case=case,
            by=request.user,
            number=request.POST.get("number", ""),
            outcome=request.POST.get("outcome", ""),
            officer=officer,
            note=request.POST.get("note", ""),
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        if callback.warning:
            messages.warning(request, callback.warning)
        else:
            messages.success(request, _("Call-back recorded."))
    return redirect("workbench-case", reference=case.reference)


@login_required
@require_POST
def flag(request: HttpRequest, reference: str) -> HttpResponse:
    case = case_get_for_staff(request.user, reference)
    officer = case.officers.filter(pk=request.POST.get("officer") or 0).first()

    def run() -> None:
        if officer is None:
            raise DomainError(_("choose an officer of the case"))
        officer_flag(
            officer=officer, by=request.user, reason=request.POST.get("reason", ""), case=case
        )

    return act(request, run, _("Officer flagged."), "workbench-case", reference=case.reference)


@login_required
@require_POST
def route(request: HttpRequest, reference: str) -> HttpResponse:
    """Triage sends the case to the legal entity that holds the subjects' data (JU-01)."""
    case = case_get_for_staff(request.user, reference)
    code = request.POST.get("entity", "")
    entity = next((e for e in entities_for_routing() if e.code == code), None)

    def run() -> None:
        if entity is None:
            raise DomainError(_("choose one of the exchange's entities"))
        case_route(
            case=case,
            by=request.user,
            entity=entity,
            note=request.POST.get("note", ""),
            suggested=request.POST.get("suggested") or None,
        )

    done = _("Routed to %(entity)s.") % {"entity": entity} if entity else ""
    return act(request, run, done, "workbench-case", reference=case.reference)
