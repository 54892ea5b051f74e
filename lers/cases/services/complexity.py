"""A complex case (HX-14: "complex cases may extend this timeframe"): staff mark it, with a
reason, and its review clock runs ``sla.complex_extra_business_days`` longer, where the profile
lets complex cases take longer at all (``sla.complex_cases_may_take_longer``)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lers.accounts.models import User
from lers.audit.services import audit_record
from lers.cases.deadlines import deadline_extend
from lers.cases.lifecycle import UNDER_REVIEW, State
from lers.cases.models import Case, Deadline
from lers.cases.notifications import notify_officers
from lers.cases.permissions import Step, require
from lers.cases.review_time import review_expectation_lines
from lers.cases.services.access import lock_case
from lers.core.errors import GuardFailed, IllegalTransition
from lers.core.policy import active_policy
from lers.core.text import clean_text

# Before the decision: while the exchange reviews, or waits for the agency's answer.
MARKABLE = UNDER_REVIEW | {State.AWAITING_INFORMATION}


def complex_refusal(case: Case) -> str:
    """Why this case cannot be marked complex now ("" if it can), for the page and the guard."""
    policy = active_policy()
    if not policy.sla.complex_cases_may_take_longer:
        return _(
            "%(profile)s's policy does not let a complex case take longer than its review time."
        ) % {"profile": policy.profile.name}
    if case.complex_at is not None:
        return _("The case is already marked complex.")
    if case.state not in MARKABLE:
        return _("A case is marked complex before the decision.")
    if case.urgency != Case.Urgency.STANDARD:
        return _("An urgent request keeps its clock in hours: it is not lengthened.")
    return ""


def case_mark_complex(*, case: Case, by: User, reason: str) -> Case:
    """Marks the case complex: its review clock is lengthened and the officers are told."""
    reason = clean_text(reason).strip()
    with transaction.atomic():
        locked = lock_case(case)
        require(by, Step.MARK_COMPLEX, locked)
        refusal = complex_refusal(locked)
        if refusal:
            error = IllegalTransition if locked.state not in MARKABLE else GuardFailed
            raise error(refusal, state=locked.state)
        if not reason:
            raise GuardFailed(_("say why the case is complex"))
        days = active_policy().sla.complex_extra_business_days
        assert days is not None  # the loader requires it with complex_cases_may_take_longer
        locked.complex_at = timezone.now()
        locked.complex_by = by
        locked.complex_reason = reason
        locked.save(update_fields=["complex_at", "complex_by", "complex_reason", "updated_at"])
        clock = deadline_extend(case=locked, kind=Deadline.Kind.REVIEW, business_days=days)
        audit_record(
            actor=by,
            action="case.marked_complex",
            obj=locked,
            case_ref=locked.reference,
            payload={
                "reason": reason,
                "extra_business_days": days,
                "due_at": clock.due_at if clock else None,
            },
        )
        notify_officers(
            locked,
            gettext_lazy("The exchange marked your request as complex"),
            review_expectation_lines(locked),
        )
    return locked
