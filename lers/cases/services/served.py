"""Whom the exchange serves, at the submission of a request (JU-02, HX-01, HX-03, BN-01).

What ``lers.agencies.served`` decides, for a request the officer sends (portal or API): its
matter type where the profile serves criminal matters only, the officer's address against the
government-domain registry (and the written authorisation a profile may take a personal address
with), and an agency that lists no email domains. A refusal stops the submission with the
reason, on the record; a hold lets it in marked held, and staff clear the hold with a note (on
the record) before it goes to verification, or decline it.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lers.accounts.models import User
from lers.agencies.models import AccessRequest, Officer
from lers.agencies.served import (
    Verdict,
    agency_domain_finding,
    email_finding,
    matter_finding,
    served_record,
    verdict,
)
from lers.agencies.services.registry import domain_registry
from lers.audit.services import audit_record
from lers.cases.lifecycle import State
from lers.cases.models import Case
from lers.cases.permissions import Step, require
from lers.cases.services.access import require_officer_on_case
from lers.core.errors import GuardFailed, IllegalTransition, NotServed
from lers.core.policy import active_policy
from lers.core.text import clean_text


def _has_written_authorisation(case: Case, officer: Officer, document: str) -> bool:
    """The authorisation on the request, or among the proofs the officer's access was approved
    with."""
    if case.documents.filter(doc_type=document).exists():
        return True
    return AccessRequest.objects.filter(
        user_id=officer.user_id,
        status=AccessRequest.Status.APPROVED,
        proofs__doc_type=document,
    ).exists()


def submission_verdict(case: Case, by: User) -> Verdict:
    """What the profile says of this request as ``by`` would send it; reads only."""
    officer = by.officer
    written = active_policy().served.personal_email_with_written_authorisation
    authorisation = (
        _has_written_authorisation(case, officer, written) if written is not None else None
    )
    return verdict(
        matter_finding(case.matter_type),
        email_finding(domain_registry().check(by.email), authorisation=authorisation),
        agency_domain_finding(case.agency, by.email),
    )


def case_served_check(*, case: Case, by: User) -> Verdict:
    """The decision before the submission; a refusal is recorded (outside the submission's
    transaction, which it stops) and raised with the reason for the officer."""
    case = Case.objects.select_related("agency").get(pk=case.pk)
    if case.state != State.DRAFT:
        return verdict()  # the transition says what is wrong with submitting it
    require_officer_on_case(case, by)
    decided = submission_verdict(case, by)
    if decided.outcome == "refuse":
        served_record(
            decided,
            door="submission",
            actor=by,
            obj=case,
            case_ref=case.reference,
            matter_type=case.matter_type,
        )
        raise NotServed(decided.refusal, findings=[f.code for f in decided.findings])
    return decided


def case_served_apply(*, case: Case, by: User, decided: Verdict) -> None:
    """Inside the submission's transaction: the holds on the case, the decision on the record."""
    case.served_holds = decided.holds
    case.save(update_fields=["served_holds"])
    served_record(
        decided,
        door="submission",
        actor=by,
        obj=case,
        case_ref=case.reference,
        matter_type=case.matter_type,
    )


def case_is_held(case: Case) -> bool:
    return bool(case.served_holds) and case.served_hold_cleared_at is None


def served_hold_guard(case: Case) -> None:
    """A held request goes to verification only once staff have cleared the hold."""
    if case_is_held(case):
        raise GuardFailed(
            _("The request is held: %(reasons)s Clear the hold with a note, or decline it.")
            % {"reasons": " ".join(h["reason"] for h in case.served_holds)},
            holds=case.served_holds,
        )


def case_hold_clear(*, case: Case, by: User, note: str) -> Case:
    """A member of staff on the case clears the profile's hold, saying why (on the record)."""
    note = clean_text(note)
    if not note:
        raise GuardFailed(_("say why the hold is cleared"))
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        require(by, Step.HOLD_CLEAR, locked)
        if locked.state not in (State.SUBMITTED, State.TRIAGE):
            raise IllegalTransition(_("a hold is cleared during triage"), state=locked.state)
        if not case_is_held(locked):
            raise IllegalTransition(_("the request is not held"), state=locked.state)
        locked.served_hold_note = note
        locked.served_hold_cleared_by = by
        locked.served_hold_cleared_at = timezone.now()
        locked.save(
            update_fields=[
                "served_hold_note",
                "served_hold_cleared_by",
                "served_hold_cleared_at",
                "updated_at",
            ]
        )
        audit_record(
            actor=by,
            action="served.hold_cleared",
            obj=locked,
            case_ref=locked.reference,
            payload={"holds": locked.served_holds, "note": note},
        )
    return locked
