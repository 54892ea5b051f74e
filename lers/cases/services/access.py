"""Who may touch a case: the checks every case service shares."""

from __future__ import annotations

from django.utils.translation import gettext as _

from lers.accounts.models import User
from lers.agencies.models import Officer
from lers.cases.models import Case
from lers.cases.permissions import Step, require
from lers.core.errors import NotPermitted


def officer_of(user: User) -> Officer:
    officer = getattr(user, "officer", None)
    if officer is None:
        raise NotPermitted("only an officer can do this")
    return officer


def require_officer_on_case(case: Case, user: User) -> Officer:
    officer = officer_of(user)
    if officer.status != Officer.Status.ACTIVE:
        raise NotPermitted(_("your access is not active"))
    if officer.agency_id != case.agency_id or not case.officers.filter(pk=officer.pk).exists():
        raise NotPermitted(_("you are not on this case"))
    return officer


def require_case_worker(case: Case, user: User) -> None:
    """A member of the staff on the case, in a role that works on cases."""
    require(user, Step.WORK, case)


def lock_case(case: Case) -> Case:
    return Case.objects.select_for_update().get(pk=case.pk)
