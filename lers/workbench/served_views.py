"""Staff's side of whom the exchange serves: clearing the hold the profile put on a request
(JU-02, HX-01, HX-03, BN-01)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lers.cases.selectors import case_get_for_staff
from lers.cases.services import case_hold_clear
from lers.workbench.outcome import act


@login_required
@require_POST
def hold_clear(request: HttpRequest, reference: str) -> HttpResponse:
    case = case_get_for_staff(request.user, reference)

    def run() -> None:
        case_hold_clear(case=case, by=request.user, note=request.POST.get("note", ""))

    return act(request, run, _("The hold is cleared."), "workbench-case", reference=case.reference)
