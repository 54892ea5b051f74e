"""What officers are told of the review's length (HX-14): the profile's published range
("5 to 15 business days"), and more for a case staff marked complex. Where the profile does not
publish its review target (``sla.review_target_published``), the numbers stay internal."""

from __future__ import annotations

from django.utils.functional import Promise, lazy
from django.utils.translation import gettext, gettext_noop

from lers.cases.lifecycle import UNDER_REVIEW, State
from lers.cases.models import Case
from lers.core.policy import active_policy

AIM_RANGE = gettext_noop("The exchange aims to answer in %(min)d to %(max)d business days.")
AIM_WITHIN = gettext_noop("The exchange aims to answer within %(max)d business days.")
COMPLEX_LONGER = gettext_noop(
    "The exchange marked this request as complex: the review may take up to %(days)d more "
    "business days."
)
COMPLEX = gettext_noop("The exchange marked this request as complex: the review may take longer.")


def _translated(message: str, params: dict[str, int]) -> str:
    return gettext(message) % params


# Rendered under each reader's language (an email to each officer in theirs).
translated_lazy = lazy(_translated, str)


def _parts(case: Case) -> list[tuple[str, dict[str, int]]]:
    sla = active_policy().sla
    parts: list[tuple[str, dict[str, int]]] = []
    if case.state not in UNDER_REVIEW and case.state != State.AWAITING_INFORMATION:
        return parts  # nothing to expect before submission or after the decision
    if sla.review_target_published and case.urgency == Case.Urgency.STANDARD:
        if sla.review_business_days_min is not None:
            parts.append(
                (
                    AIM_RANGE,
                    {"min": sla.review_business_days_min, "max": sla.review_business_days_max},
                )
            )
        else:
            parts.append((AIM_WITHIN, {"max": sla.review_business_days_max}))
    if case.complex_at is not None:
        days = sla.complex_extra_business_days
        if sla.review_target_published and days:
            parts.append((COMPLEX_LONGER, {"days": days}))
        else:
            parts.append((COMPLEX, {}))
    return parts


def review_expectation(case: Case) -> str:
    """The sentences an officer reads on the case page and on submitting, in the request's
    language, while the request is reviewed; "" where the profile promises nothing."""
    return " ".join(_translated(message, params) for message, params in _parts(case))


def review_expectation_lines(case: Case) -> list[Promise]:
    """The same, as lazy lines for an email (each officer reads them in their language)."""
    return [translated_lazy(message, params) for message, params in _parts(case)]
