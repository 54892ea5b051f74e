"""Whether a request is cross-border (JU-12): derived, not declared.

Ju: "If a request is submitted by a foreign law enforcement agency and involves entities or
user data located in other countries/regions, submission is generally required through formal
channels such as MLAT or letters rogatory." A request is cross-border when the agency's country
is not the jurisdiction of the entity that handles it; before the case is routed, when it is
the jurisdiction of none of the exchange's active entities. The agency's answer is not asked:
an agency that says nothing still gets the rule. Staff may correct the result, with a reason on
the record (``case_cross_border_correct``), and undo the correction.
"""

from __future__ import annotations

from dataclasses import dataclass

from lers.cases.models import Case, Entity
from lers.core.policy import active_policy


@dataclass(frozen=True)
class CrossBorder:
    value: bool  # what the rules act on
    derived: bool  # what the countries say
    corrected: bool  # staff set ``value`` against or beside ``derived``
    reason: str  # the staff's reason for the correction
    agency_country: str
    jurisdictions: tuple[str, ...]  # the handling entity's, or every active entity's


def cross_border_of(case: Case) -> CrossBorder:
    if case.entity_id is not None:
        jurisdictions: tuple[str, ...] = (case.entity.jurisdiction.upper(),)
    else:
        jurisdictions = tuple(
            sorted(
                {
                    j.upper()
                    for j in Entity.objects.filter(active=True).values_list(
                        "jurisdiction", flat=True
                    )
                }
            )
        )
    country = (case.agency.country or "").upper()
    derived = bool(jurisdictions) and country not in jurisdictions
    corrected = case.cross_border_corrected is not None
    return CrossBorder(
        value=bool(case.cross_border_corrected) if corrected else derived,
        derived=derived,
        corrected=corrected,
        reason=case.cross_border_reason,
        agency_country=country,
        jurisdictions=jurisdictions,
    )


def is_cross_border(case: Case) -> bool:
    return cross_border_of(case).value


def cross_border_rule_applies() -> bool:
    """The profile treats cross-border requests differently (JU-12); where it does not, the
    pages do not bring the question up."""
    return active_policy().cross_border.without_channel != "no_rule"
