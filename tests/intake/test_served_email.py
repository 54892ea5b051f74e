"""Whom the exchange serves, at the email door (JU-02, JU-03, HX-03): real messages, signed with
the test DKIM key. The profile holds a sender it does not simply take for a person, with the
reason, or refuses it with an answer saying why; an agency that lists no domains does not vouch
for its officer's address. Every decision is an audit row."""

from __future__ import annotations

import pytest
from django.core import mail

from lers.accounts.models import User
from lers.agencies.models import Agency, Officer
from lers.audit.models import AuditEvent
from lers.intake.models import IntakeMessage
from lers.intake.services import intake_message
from tests.conftest import run_jobs
from tests.custom_profile import custom_profile
from tests.intake.messages import dns, message

pytestmark = pytest.mark.django_db

PERSONAL = {"sender": "detective.li.home@gmail.com", "sign_domain": "gmail.com"}
WRITTEN = 'personal_email_with_written_authorisation = "authorisation_letter"\n'


def take(raw: bytes) -> IntakeMessage:
    intake, created = intake_message(raw, source="file", dnsfunc=dns)
    assert created
    return intake


@pytest.mark.req("JU-02", "JU-03")
def test_ju_holds_a_personal_address_for_staff_to_check_the_written_authorisation():
    """Ju takes a personal address with written authorisation from the agency's government
    mailbox: the message waits for a person, who is told to look for that document."""
    intake = take(message(**PERSONAL))
    assert intake.status == IntakeMessage.Status.QUEUED and intake.case is None
    (reason,) = [r for r in intake.reasons if r.startswith("From domain outside")]
    assert "written authorisation from the agency's government mailbox" in reason
    held = AuditEvent.objects.get(action="served.held")
    assert held.payload["door"] == "email" and held.object_id == str(intake.pk)
    assert held.payload["findings"][0]["code"] == "personal_email"
    run_jobs()
    assert not mail.outbox  # a person answers, not lers


@pytest.mark.req("HX-03", "JU-03")
def test_a_profile_that_refuses_other_addresses_answers_with_the_reason_and_creates_nothing(
    settings, tmp_path
):
    """``non_government_email = "refuse"`` (97's rule, on Ju's mailbox): a sound message from
    an address that is not a government one is refused, and the sender is told why."""
    custom_profile(
        settings,
        tmp_path,
        "ju",
        {WRITTEN: "", 'non_government_email = "hold"': 'non_government_email = "refuse"'},
    )
    intake = take(message(**PERSONAL))
    assert intake.case is None and intake.status == IntakeMessage.Status.DONE
    assert any(r.startswith("refused:") and "gmail.com" in r for r in intake.reasons)
    refused = AuditEvent.objects.get(action="served.refused")
    assert refused.payload["door"] == "email" and refused.payload["email_domain"] == "gmail.com"
    run_jobs()
    (answer,) = mail.outbox
    assert answer.to == [PERSONAL["sender"]]
    assert "only from an official government email address" in answer.body


@pytest.mark.req("HX-03", "X-05")
def test_an_unsigned_message_is_never_answered_even_where_the_address_is_refused(
    settings, tmp_path
):
    """Who sent an unsigned message is unknown: it waits for a person, with the reason."""
    custom_profile(
        settings,
        tmp_path,
        "ju",
        {WRITTEN: "", 'non_government_email = "hold"': 'non_government_email = "refuse"'},
    )
    intake = take(message(sender=PERSONAL["sender"], sign_domain=None))
    assert intake.status == IntakeMessage.Status.QUEUED
    assert any("only from an official government email address" in r for r in intake.reasons)
    run_jobs()
    assert not mail.outbox


@pytest.mark.req("JU-03", "X-05")
def test_an_officer_of_an_agency_that_lists_no_domains_is_held_with_the_reason():
    """The agency's listed domains are what vouch for an address: where it lists none, the
    message from its officer does not pass silently."""
    fbi = Agency.objects.create(name="Federal Bureau of Investigation", country="US")
    user = User.objects.create_user(username="agent.k", email="agent.k@fbi.gov")
    Officer.objects.create(
        user=user, agency=fbi, office_phone="+12025550100", status=Officer.Status.ACTIVE
    )
    intake = take(
        message(
            sender="agent.k@fbi.gov",
            sign_domain="fbi.gov",
            subject="[Standard] | FBI | 2026-CF-1 | Evidence Collection",
        )
    )
    assert intake.case is not None and intake.case.agency == fbi
    assert intake.status == IntakeMessage.Status.QUEUED
    assert any("lists no email domains" in r for r in intake.reasons)
    held = AuditEvent.objects.get(action="served.held")
    assert held.case_ref == intake.case.reference
    assert held.payload["findings"][0]["code"] == "agency_domain"
