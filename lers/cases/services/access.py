"""Who may touch a case: the checks every case service shares."""

from __future__ import annotations

from django.utils.translation import gettext as _

from lers.accounts.models import Role, User
from lers.accounts.roles import roles_of
from lers.agencies.models import Officer
from lers.cases.lifecycle import State
from lers.cases.models import Case
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


# Staff who work on cases; auditors read and administrators configure, neither writes to a case.
CASE_WORKERS = frozenset({Role.INTAKE_ANALYST, Role.LEGAL_REVIEWER, Role.APPROVER, Role.OPERATOR})


def require_case_worker(case: Case, user: User) -> None:
    if not roles_of(user) & CASE_WORKERS:
        raise NotPermitted("your role does not allow changing cases")
    if case.state == State.DRAFT:
        raise NotPermitted("a draft belongs to its agency until it is submitted")


def lock_case(case: Case) -> Case:
    return Case.objects.select_for_update().get(pk=case.pk)
