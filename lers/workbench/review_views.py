"""Staff pages of the review: taking and assigning a case, approving a scope, fee notices.

Thin: each view scopes through a selector, parses its form, calls one service.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lers.cases.selectors import (
    case_get_for_staff,
    case_get_to_take,
    case_workers,
    fee_notice_get_for_staff,
    staff_colleagues,
)
from lers.cases.services import (
    ScopeDecision,
    callback_record,
    case_approve,
    case_assign,
    case_cross_border_correct,
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
def bulk(request: HttpRequest) -> HttpResponse:
    """Take, or assign to a colleague, the cases ticked in the queue: each through the same
    service as on its own, each refused for its own reason; the queue says which."""
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = reverse("home")
    references = list(dict.fromkeys(request.POST.getlist("cases")))[:200]
    action = request.POST.get("action", "")
    colleague = case_workers().filter(pk=request.POST.get("user") or 0).first()
    if action not in ("take", "assign") or not references:
        messages.error(request, _("tick one or more cases and choose what to do with them"))
        return redirect(back)
    if action == "assign" and colleague is None:
        messages.error(request, _("choose a colleague"))
        return redirect(back)
    done, refused = [], []
    for reference in references:
        try:
            if action == "take":
                case_start_triage(case=case_get_to_take(request.user, reference), by=request.user)
            else:
                assert colleague is not None
                case_assign(
                    case=case_get_for_staff(request.user, reference),
                    by=request.user,
                    user=colleague,
                    hold=True,
                )
        except DomainError as exc:
            refused.append(f"{reference}: {exc.message}")
        else:
            done.append(reference)
    if done:
        message = (
            _("Taken: %(cases)s.") if action == "take" else _("Handed to %(name)s: %(cases)s.")
        )
        messages.success(request, message % {"cases": ", ".join(done), "name": colleague})
    for line in refused:
        messages.error(request, line)
    return redirect(back)


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
            without_accounts=data.get("without_accounts", False),
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
def cross_border(request: HttpRequest, reference: str) -> HttpResponse:
    """Staff correct whether the request is cross-border, or undo the correction (JU-12)."""
    case = case_get_for_staff(request.user, reference)
    value = {"yes": True, "no": False, "derived": None}.get(request.POST.get("value", ""), ...)

    def run() -> None:
        if value is ...:
            raise DomainError(_("choose cross-border, domestic or as derived"))
        case_cross_border_correct(
            case=case, by=request.user, value=value, reason=request.POST.get("reason", "")
        )

    return act(
        request, run, _("Cross-border recorded."), "workbench-case", reference=case.reference
    )


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
