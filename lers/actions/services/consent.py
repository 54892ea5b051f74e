"""The agency's consent to tell the user, given or withdrawn after the request was sent
(HX-10, HX-11, HX-12).

97: "Without your consent, we will not reveal your request ... if disclosure permission is not
granted, we may not be able to maintain the freeze voluntarily for an extended period"; "If you
authorize disclosure, we may also — with your prior consent — share your official contact
details". The answer is the agency's, on the case page or through the API; the case's freezes
and user notices follow it in the same transaction, and the staff holding the case are told.
The profile decides which questions exist at all.
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from lers.accounts.models import User
from lers.actions.services.freezes import freezes_follow_consent
from lers.actions.services.notices import notices_follow_consent
from lers.audit.services import audit_record
from lers.cases.lifecycle import TERMINAL, State
from lers.cases.models import Case
from lers.cases.notifications import staff_holding
from lers.cases.services.access import lock_case, require_officer_on_case
from lers.core.errors import DomainError, IllegalTransition
from lers.core.mail import mail_enqueue
from lers.core.policy import active_policy


def consent_questions() -> tuple[bool, bool]:
    """(asks consent to disclose, asks consent to share the agency's contact), per the profile."""
    rules = active_policy().freeze
    return rules.consent_to_disclose_asked, rules.share_agency_contact_requires_consent


def consent_change_allowed(case: Case) -> bool:
    """Whether the case page offers the consent questions (the service checks again, under
    lock): a sent request still open, under a profile that asks one of them."""
    return any(consent_questions()) and case.state != State.DRAFT and case.state not in TERMINAL


def case_consent_set(
    *,
    case: Case,
    by: User,
    disclose: bool | None = None,
    share_contact: bool | None = None,
) -> Case:
    """The agency gives or withdraws its consent (None: that answer unchanged). Withdrawing the
    consent to disclose withdraws the consent to share the contact with it."""
    disclose_asked, share_asked = consent_questions()
    exchange = active_policy().profile.name
    if disclose is not None and not disclose_asked:
        raise DomainError(
            _("%(exchange)s does not ask for consent to tell the user") % {"exchange": exchange}
        )
    if share_contact is not None and not share_asked:
        raise DomainError(
            _("%(exchange)s does not ask for consent to share your contact")
            % {"exchange": exchange}
        )
    with transaction.atomic():
        case = lock_case(case)
        require_officer_on_case(case, by)
        if case.state == State.DRAFT:
            raise IllegalTransition(
                _("a draft's answers are changed in the draft itself"), state=case.state
            )
        if case.state in TERMINAL:
            raise IllegalTransition(_("the request is no longer open"), state=case.state)
        before = {
            "consent_to_disclose": case.consent_to_disclose,
            "consent_to_share_contact": case.consent_to_share_contact,
        }
        new_disclose = case.consent_to_disclose if disclose is None else disclose
        new_share = case.consent_to_share_contact if share_contact is None else share_contact
        if disclose_asked and new_share and not new_disclose:
            if share_contact:
                raise DomainError(_("your contact can be shared only if the user may be told"))
            new_share = False
        after = {"consent_to_disclose": new_disclose, "consent_to_share_contact": new_share}
        if after == before:
            return case
        case.consent_to_disclose, case.consent_to_share_contact = new_disclose, new_share
        case.save(update_fields=[*after, "updated_at"])
        audit_record(
            actor=by,
            action="case.consent_changed",
            obj=case,
            case_ref=case.reference,
            payload={"before": before, "after": after},
        )
        freezes = freezes_follow_consent(case=case, by=by)
        notices = notices_follow_consent(case=case, by=by)
        mail_enqueue(
            to=staff_holding(case),
            template="consent_changed",
            context={"case": case, "freezes": freezes, "notices": notices},
        )
    return case
