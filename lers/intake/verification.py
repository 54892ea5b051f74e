"""The telephone verification of a sender who is not a registered officer (JU-03, JU-04),
under a profile whose ``intake.unknown_sender`` is ``telephone_verification`` (Ju).

The message waits in the intake queue with no case. An intake analyst calls the agency on the
number of the agency directory (never a number the message gave) and records the call here:

- confirmed: the sender becomes an active officer of the agency, the message becomes the case
  a known officer's email makes (submitted, where the profile's ``email_submits`` says so), and
  the analyst, who made the call, takes the case in triage with the call recorded on it (the
  call-back JU-04 asks before disclosure or a freeze);
- any other outcome: the call is recorded and the message keeps waiting, with the reason, until
  another call or until the analyst says what became of it (``intake_handle``).
"""

from __future__ import annotations

import email
import email.policy
from email.message import EmailMessage

from django.db import transaction
from django.utils.translation import gettext as _

from lers.accounts.models import Role, User
from lers.accounts.roles import roles_of
from lers.agencies.services.access import phone_e164
from lers.agencies.services.directory import officer_register_by_call
from lers.audit.services import audit_record
from lers.cases.lifecycle import State
from lers.cases.models import CallBack
from lers.cases.services.transitions import case_start_triage
from lers.cases.services.verification import callback_record
from lers.core.errors import DomainError, IllegalTransition, NotPermitted
from lers.core.text import clean_text
from lers.intake.models import IntakeMessage
from lers.intake.services import message_to_case, sender_of


def intake_sender_verify(
    *,
    intake: IntakeMessage,
    by: User,
    number: str,
    outcome: str,
    name: str = "",
    note: str = "",
) -> IntakeMessage:
    """Records the verification call for a waiting message; see the module's docstring."""
    if Role.INTAKE_ANALYST not in roles_of(by):
        raise NotPermitted(_("only intake analysts handle the intake queue"))
    if outcome not in CallBack.Outcome.values:
        raise DomainError(_("choose the outcome of the call"))
    note = clean_text(note).strip()
    with transaction.atomic():
        locked = IntakeMessage.objects.select_for_update().get(pk=intake.pk)
        if (
            locked.status != IntakeMessage.Status.QUEUED
            or locked.waits_for != IntakeMessage.WaitsFor.TELEPHONE
        ):
            raise IllegalTransition(
                _("this message does not wait for a telephone verification"), state=locked.status
            )
        agency, _officer = sender_of(locked.from_address, locked.from_domain)
        if agency is None:
            raise DomainError(_("no agency lists the sender's domain any more"))
        if not agency.switchboard_phone:
            raise DomainError(
                _(
                    "%(agency)s has no directory number: add its publicly listed number to the "
                    "agency directory first"
                )
                % {"agency": agency.name}
            )
        called = phone_e164(number.strip(), region=agency.country or None)
        directory = phone_e164(agency.switchboard_phone, region=agency.country or None)
        if called != directory:
            raise DomainError(
                _(
                    "call the agency's number from the directory (%(directory)s), not a number "
                    "the message or the sender gave"
                )
                % {"directory": directory}
            )
        audit_record(
            actor=by,
            action="intake.sender_called",
            obj=locked,
            payload={"number": called, "outcome": outcome, "note": note, "agency": agency.pk},
        )
        if outcome != CallBack.Outcome.CONFIRMED:
            locked.reasons = [
                *locked.reasons,
                f"telephone verification by {by}: {outcome.replace('_', ' ')}"
                + (f" ({note})" if note else ""),
            ]
            locked.save(update_fields=["reasons"])
            return locked
        officer = officer_register_by_call(
            agency=agency, email=locked.from_address, by=by, number=called, name=name
        )
        locked.waits_for = IntakeMessage.WaitsFor.NOTHING
        locked.status = IntakeMessage.Status.ACCEPTED
        locked.reasons = [
            *locked.reasons,
            f"verified by telephone by {by} on the directory number {called}",
        ]
        locked.save(update_fields=["waits_for", "status", "reasons"])
        with locked.raw.open("rb") as kept:
            message = email.message_from_bytes(kept.read(), policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        message_to_case(locked, message)
        case = locked.case
        if case is not None and case.state == State.SUBMITTED:
            case = case_start_triage(case=case, by=by)
            callback_record(
                case=case,
                by=by,
                number=called,
                outcome=CallBack.Outcome.CONFIRMED,
                officer=officer,
                note=note or _("Verified at email intake"),
            )
    return locked
