"""What every action on a case checks first."""

from __future__ import annotations

from django.utils.translation import gettext as _

from lers.cases.lifecycle import State
from lers.cases.models import Case, SubjectMatch
from lers.core.errors import DomainError

# States in which staff act on a case's accounts (the same as resolving them).
ACTING = frozenset(
    {State.TRIAGE, State.VERIFICATION, State.LEGAL_REVIEW, State.APPROVED, State.IN_PROGRESS}
)


def confirmed_uids(case: Case) -> list[str]:
    """The accounts a person confirmed as the case's subjects (X-10): actions reach no other."""
    return sorted(
        set(
            SubjectMatch.objects.filter(
                target__case=case, status=SubjectMatch.Status.CONFIRMED
            ).values_list("uid", flat=True)
        )
    )


def require_confirmed_subject(case: Case, uid: str) -> None:
    if uid not in confirmed_uids(case):
        raise DomainError(_("confirm the account as a subject of the case first"))
