"""Who may do what on a case: the one place that decides (DESIGN.md, "People and systems").

Three rules, applied by every service of the domain apps:

- a step is open to the roles the table names (``STEP_ROLES``; the case transitions carry
  their own roles in ``lers.cases.lifecycle``);
- staff act on, and read the user data of, a case only when they are on it (``CaseMember``);
  auditors read every case and change nothing;
- what cannot be undone needs two people: the one who asked and another who approves.
"""

from __future__ import annotations

from enum import StrEnum

from django.utils.translation import gettext as _

from lers.accounts.models import Role, User
from lers.accounts.roles import roles_of
from lers.cases.lifecycle import State
from lers.cases.models import Case, CaseMember
from lers.core.errors import NotPermitted


class Step(StrEnum):
    WORK = "work"  # messages, documents, resolution, notices, watched addresses
    ASSIGN = "assign"  # add a colleague to the case, hand it over
    ROUTE = "route"
    HOLD_CLEAR = "hold_clear"  # let a request the profile held go on (JU-02, HX-01, BN-01)
    CALLBACK = "callback"  # record a verification call-back
    DOCUMENT_CHECK = "document_check"  # a document's seal or signature, whose ID it is
    MARK_COMPLEX = "mark_complex"  # a complex case's review runs longer (HX-14)
    FEE_NOTICE = "fee_notice"
    FREEZE_REQUEST = "freeze_request"
    FREEZE_APPROVE = "freeze_approve"
    PRESERVE = "preserve"
    NOTICE_DECIDE = "notice_decide"  # notify a user although the policy withholds by default
    EMERGENCY_CONFIRM = "emergency_confirm"
    PRODUCE = "produce"
    PRODUCTION_RELEASE = "production_release"


# Staff who work on cases; auditors read and administrators configure, neither writes to a case.
CASE_WORKERS = frozenset({Role.INTAKE_ANALYST, Role.LEGAL_REVIEWER, Role.APPROVER, Role.OPERATOR})

STEP_ROLES: dict[Step, frozenset[Role]] = {
    Step.WORK: CASE_WORKERS,
    Step.ASSIGN: CASE_WORKERS,
    Step.ROUTE: frozenset({Role.INTAKE_ANALYST, Role.LEGAL_REVIEWER}),
    Step.HOLD_CLEAR: frozenset({Role.INTAKE_ANALYST, Role.LEGAL_REVIEWER}),
    Step.CALLBACK: frozenset({Role.INTAKE_ANALYST, Role.LEGAL_REVIEWER}),
    Step.DOCUMENT_CHECK: frozenset({Role.INTAKE_ANALYST, Role.LEGAL_REVIEWER}),
    Step.MARK_COMPLEX: frozenset({Role.INTAKE_ANALYST, Role.LEGAL_REVIEWER}),
    Step.FEE_NOTICE: frozenset({Role.LEGAL_REVIEWER}),
    Step.FREEZE_REQUEST: CASE_WORKERS,
    Step.FREEZE_APPROVE: frozenset({Role.APPROVER}),
    Step.PRESERVE: CASE_WORKERS,
    Step.NOTICE_DECIDE: frozenset({Role.LEGAL_REVIEWER}),
    Step.EMERGENCY_CONFIRM: frozenset({Role.APPROVER}),
    Step.PRODUCE: frozenset({Role.OPERATOR, Role.LEGAL_REVIEWER}),
    Step.PRODUCTION_RELEASE: frozenset({Role.APPROVER}),
}


def is_auditor(user: User) -> bool:
    return Role.AUDITOR in roles_of(user)


def is_on_case(user: User, case: Case) -> bool:
    if not user.is_authenticated:
        return False
    return CaseMember.objects.filter(case=case, user=user).exists()


def require_on_case(user: User, case: Case) -> None:
    if not is_on_case(user, case):
        raise NotPermitted(_("you are not assigned to this case"))


def role_allows(user: User, step: Step) -> bool:
    """The user's roles allow the step on some case (whether on this one: ``may``)."""
    return bool(roles_of(user) & STEP_ROLES[step])


def may(user: User, step: Step, case: Case) -> bool:
    try:
        require(user, step, case)
    except NotPermitted:
        return False
    return True


def require(user: User, step: Step, case: Case) -> None:
    """The role allows the step and the user is on the case (taking a new case is the
    transition table's ``Guard.TAKE``)."""
    if not roles_of(user) & STEP_ROLES[step]:
        raise NotPermitted(_("your role does not allow this"), step=step.value)
    if case.state == State.DRAFT:
        raise NotPermitted("a draft belongs to its agency until it is submitted")
    require_on_case(user, case)


def require_second_person(first: User | None, by: User, what: str) -> None:
    """Four eyes: whoever asked for something cannot also approve it."""
    if first is not None and first.pk == by.pk:
        raise NotPermitted(
            _("a second person must approve: you asked for this %(what)s") % {"what": what}
        )
