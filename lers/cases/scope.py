"""What every action on a case checks first: the approved scope (JU-09) allows it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext as _

from lers.cases.models import Case
from lers.cases.selectors import approved_scope, confirmed_subjects
from lers.core.errors import GuardFailed
from lers.core.policy import active_policy


@dataclass(frozen=True)
class Reach:
    """The accounts, categories and period an action may touch."""

    uids: list[str]
    categories: list[str]
    start: dt.datetime | None
    end: dt.datetime | None


def approved_reach(case: Case, effect: str | None = None) -> Reach:
    """The approved scope, when it approves an action with ``effect`` (freeze, preservation,
    disclosure); actions never reach beyond it."""
    scope = approved_scope(case)
    if scope is None:
        raise GuardFailed(_("approve the request's scope first"))
    if effect is not None:
        types = active_policy().request_types
        effects = {types[a].effect for a in scope.actions if a in types}
        if effect not in effects:
            raise GuardFailed(_("the approved scope does not include this action"))
    # An account a person rejected after the approval is no longer reached.
    still_confirmed = set(confirmed_subjects(case))
    return Reach(
        uids=[uid for uid in scope.subjects if uid in still_confirmed],
        categories=list(scope.categories),
        start=scope.period_start,
        end=scope.period_end,
    )


def require_subject_in_scope(case: Case, uid: str, effect: str) -> None:
    if uid not in approved_reach(case, effect).uids:
        raise GuardFailed(_("the account is not among the approved scope's subjects"))
