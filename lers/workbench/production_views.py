"""Staff pages of productions: build, follow the build, release (a second person), withdraw."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lers.cases.selectors import case_get_for_staff
from lers.core.errors import DomainError
from lers.productions.models import Production
from lers.productions.selectors import production_get_for_staff
from lers.productions.services import (
    production_release,
    production_request,
    production_withdraw,
)
from lers.workbench.outcome import act


@login_required
@require_POST
def production_new(request: HttpRequest, reference: str) -> HttpResponse:
    case = case_get_for_staff(request.user, reference)
    try:
        production = production_request(case=case, by=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("workbench-case", reference=case.reference)
    return redirect("workbench-production", reference=case.reference, pk=production.pk)


@login_required
def production_detail(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    """The build's progress (the page refreshes itself while it runs) and the package."""
    production = production_get_for_staff(request.user, reference, pk)
    return render(
        request,
        "workbench/production.html",
        {
            "case": production.case,
            "production": production,
            "building": production.state == Production.State.BUILDING,
        },
    )


@login_required
@require_POST
def production_send(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    production = production_get_for_staff(request.user, reference, pk)
    return act(
        request,
        lambda: production_release(production=production, by=request.user),
        _("Released: the officers have the link and the passphrase."),
        "workbench-production",
        reference=reference,
        pk=pk,
    )


@login_required
@require_POST
def production_cancel(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    production = production_get_for_staff(request.user, reference, pk)
    return act(
        request,
        lambda: production_withdraw(production=production, by=request.user),
        "",
        "workbench-production",
        reference=reference,
        pk=pk,
    )
