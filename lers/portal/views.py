"""Officer pages. Every case comes through the officer-scoped selectors."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from lers.agencies.selectors import access_request_of
from lers.cases.selectors import case_get_for_officer, cases_for_officer
from lers.core.case_page import apply_transition, case_context


@login_required
def cases(request: HttpRequest) -> HttpResponse:
    if not hasattr(request.user, "officer") and access_request_of(request.user) is not None:
        return redirect("portal-access-status")
    return render(request, "portal/cases.html", {"cases": cases_for_officer(request.user)})


@login_required
def case_detail(request: HttpRequest, reference: str) -> HttpResponse:
    case = case_get_for_officer(request.user, reference)
    return render(request, "portal/case.html", case_context(case, request.user, staff=False))


@login_required
@require_POST
def case_transition(request: HttpRequest, reference: str, name: str) -> HttpResponse:
    case = case_get_for_officer(request.user, reference)
    apply_transition(request, case, name)
    return redirect("portal-case", reference=case.reference)
