"""Who is told what about a case. Enqueued in the caller's transaction; sent after commit."""

from __future__ import annotations

from lers.accounts.models import Role, User
from lers.cases.models import Case, Deadline
from lers.core.mail import mail_enqueue


def staff_holding(case: Case) -> list[str]:
    """The assignee, or every intake analyst while the case has none."""
    if case.assignee is not None:
        return [case.assignee.email]
    return list(
        User.objects.filter(role_grants__role=Role.INTAKE_ANALYST, is_active=True)
        .exclude(email="")
        .values_list("email", flat=True)
    )


def officers_on(case: Case) -> list[str]:
    return list(
        case.officers.filter(user__is_active=True)
        .exclude(user__email="")
        .values_list("user__email", flat=True)
    )


def notify_deadline(deadline: Deadline) -> None:
    case = deadline.case
    recipients = (
        officers_on(case) if deadline.kind == Deadline.Kind.AGENCY_ANSWER else staff_holding(case)
    )
    mail_enqueue(
        to=recipients,
        template="deadline",
        context={"case": case, "deadline": deadline},
    )
