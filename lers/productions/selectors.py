"""Productions reached only through a case the asker may see."""

from __future__ import annotations

from django.db.models import QuerySet

from lers.accounts.models import User
from lers.cases.models import Case
from lers.cases.selectors import case_get_for_officer, case_get_for_staff
from lers.core.errors import NotFound
from lers.productions.models import Production

OFFICER_VISIBLE = (Production.State.RELEASED, Production.State.DOWNLOADED, Production.State.EXPIRED)


def production_get_for_staff(user: User, reference: str, pk: int) -> Production:
    case = case_get_for_staff(user, reference)
    production = case.productions.filter(pk=pk).select_related("case").first()
    if production is None:
        raise NotFound("no such production")
    return production


def production_get_for_officer(user: User, reference: str, pk: int) -> Production:
    case = case_get_for_officer(user, reference)
    production = (
        case.productions.filter(pk=pk, state__in=OFFICER_VISIBLE).select_related("case").first()
    )
    if production is None:
        raise NotFound("no such production")
    return production


def productions_for_officer(user: User, reference: str) -> QuerySet[Production]:
    """The packages released to the agency on a case the officer may read."""
    return productions_released(case_get_for_officer(user, reference))


def productions_released(case: Case) -> QuerySet[Production]:
    """The packages released to the agency on ``case``, which the caller has already found
    through the officer's selector (``case_get_for_officer``)."""
    return case.productions.filter(state__in=OFFICER_VISIBLE).order_by("pk")


def cases_with_a_download_waiting() -> QuerySet[Production]:
    """The ``case_id`` of every case with a released production no one has downloaded yet
    (a subquery: the caller scopes the cases)."""
    return Production.objects.filter(state=Production.State.RELEASED).values("case_id")
