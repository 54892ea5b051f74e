"""Who is told what about a case. Enqueued in the caller's transaction; sent after commit."""

from __future__ import annotations

from collections.abc import Sequence

from django.conf import settings
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy

from lers.accounts.models import Role, User
from lers.agencies.models import Officer
from lers.cases.lifecycle import EXPLANATIONS, State
from lers.cases.models import Case, Deadline, Message
from lers.core.mail import mail_enqueue
from lers.core.policy import active_policy

UNHELD = gettext_lazy("Nobody holds this case yet: take it from the queue to read the message.")

# Moves whose message is written for the agency; every other move's note stays with the staff.
SHARED_TEXT = frozenset({"request_information", "answer", "decline", "withdraw"})


def _staff_users_holding(case: Case) -> list[User]:
    """The assignee, or every intake analyst while the case has none."""
    if case.assignee is not None:
        return [case.assignee] if case.assignee.email else []
    return list(
        User.objects.filter(role_grants__role=Role.INTAKE_ANALYST, is_active=True)
        .exclude(email="")
        .distinct()
    )


def staff_holding(case: Case) -> list[str]:
    return [user.email for user in _staff_users_holding(case)]


def reachable_officers(case: Case) -> QuerySet[Officer]:
    """The officers on the case who may hear of it: active, with an address."""
    return (
        case.officers.filter(status=Officer.Status.ACTIVE, user__is_active=True)
        .exclude(user__email="")
        .select_related("user")
    )


def officers_on(case: Case) -> list[str]:
    return list(reachable_officers(case).values_list("user__email", flat=True))


def notify_deadline(deadline: Deadline) -> None:
    case = deadline.case
    recipients = (
        officers_on(case) if deadline.kind == Deadline.Kind.AGENCY_ANSWER else staff_holding(case)
    )
    mail_enqueue(
        to=recipients,
        template="deadline",
        context={
            "case": case,
            "deadline": deadline,
            # The officers know their case; staff read its title only when someone holds it.
            "show_title": deadline.kind == Deadline.Kind.AGENCY_ANSWER
            or case.assignee_id is not None,
        },
    )


def notify_case_changed(
    *, case: Case, transition: str, by: User, text: str, decline_reasons: list[str]
) -> None:
    """Every change of a case's state reaches the officers on it, in their language (X-02)."""
    policy = active_policy()
    officers = reachable_officers(case).exclude(user=by)
    for officer in officers:
        mail_enqueue(
            to=[officer.user.email],
            template="case_changed",
            language=officer.user.preferred_language,
            context={
                "case": case,
                "explanation": EXPLANATIONS[State(case.state)],
                "text": text if transition in SHARED_TEXT else "",
                "reasons": [
                    policy.decline_reasons[c].label
                    for c in decline_reasons
                    if c in policy.decline_reasons
                ],
                "url": case_url(case, staff=False),
            },
        )


def case_url(case: Case, *, staff: bool) -> str:
    name = "workbench-case" if staff else "portal-case"
    return settings.LERS_BASE_URL.rstrip("/") + reverse(name, args=[case.reference])


def notify_message(message: Message) -> None:
    """A message in the thread reaches the other side: the agency's officers on the case, or
    the staff holding it. Internal notes reach nobody outside the staff."""
    case = message.case
    if message.visibility != Message.Visibility.SHARED:
        return
    context = {
        "case": case,
        "body": message.body,
        "attachments": [d.original_name for d in message.attachments.all()],
    }
    if hasattr(message.author, "officer"):
        if case.assignee is None:
            # Nobody holds the case: the analysts hear that it waits, not what it says (staff
            # read a case's content only when they are on it).
            context = {**context, "body": UNHELD, "attachments": []}
        # Each staff member reads it in their own language, not the writing officer's.
        for user in _staff_users_holding(case):
            mail_enqueue(
                to=[user.email],
                template="case_message",
                language=user.preferred_language,
                context={**context, "url": case_url(case, staff=True), "from_agency": True},
            )
        return
    officers = reachable_officers(case)
    for officer in officers:
        mail_enqueue(
            to=[officer.user.email],
            template="case_message",
            language=officer.user.preferred_language,
            context={**context, "url": case_url(case, staff=False), "from_agency": False},
        )


def notify_officer_added(*, case: Case, officer: Officer, by: User) -> None:
    """A colleague put on a case hears of it: they follow it from now on (X-03)."""
    if not officer.user.email or officer.user_id == by.pk:
        return
    mail_enqueue(
        to=[officer.user.email],
        template="case_officer_added",
        language=officer.user.preferred_language,
        context={
            "case": case,
            "by": by.get_full_name() or by.email,
            "explanation": EXPLANATIONS[State(case.state)],
            "url": case_url(case, staff=False),
        },
    )


def notify_officers(case: Case, headline: Promise, lines: Sequence[Promise | str] = ()) -> None:
    """``headline`` and ``lines`` are lazy translations: each officer reads them in their own
    language (rendering happens under that language)."""
    officers = reachable_officers(case)
    for officer in officers:
        mail_enqueue(
            to=[officer.user.email],
            template="action_update",
            language=officer.user.preferred_language,
            context={
                "case": case,
                "headline": headline,
                "lines": list(lines),
                "url": case_url(case, staff=False),
            },
        )
