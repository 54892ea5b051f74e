"""What the agency's consent to tell the user means under the profile (HX-10, HX-11, HX-12):
read by the freezes, the user notices and the pages that show the request."""

from __future__ import annotations

from lers.cases.models import Case
from lers.core.policy import active_policy


def held_without_consent(case: Case) -> bool:
    """The case's freezes are held without the agency's consent to tell the user. Only a
    profile that asks for that consent knows the notion."""
    return active_policy().freeze.consent_to_disclose_asked and not case.consent_to_disclose


def agency_contact_shared(case: Case) -> bool:
    """The agency's contact goes to the user only where disclosure is authorised (the agency's
    consent, where the profile asks it) and, where the profile says so, the agency consented to
    share it: "If you authorize disclosure, we may also — with your prior consent — share your
    official contact details" (HX-12)."""
    rules = active_policy().freeze
    authorised = case.consent_to_disclose or not rules.consent_to_disclose_asked
    consented = case.consent_to_share_contact or not rules.share_agency_contact_requires_consent
    return authorised and consented
