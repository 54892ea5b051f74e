"""What every action on a case checks first."""

from __future__ import annotations

from django.utils.translation import gettext as _

from lers.cases.models import Case
from lers.cases.selectors import confirmed_subjects
from lers.core.errors import DomainError


def require_confirmed_subject(case: Case, uid: str) -> None:
    if uid not in confirmed_subjects(case):
        raise DomainError(_("confirm the account as a subject of the case first"))
