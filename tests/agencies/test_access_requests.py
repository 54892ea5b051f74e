"""An officer's request for access, from sign-up to decision (BN-02, HX-03, JU-07, X-05)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine

from lers.agencies.models import AccessRequest, Agency, Officer
from lers.agencies.services import (
    access_proof_add,
    access_request_approve,
    access_request_confirm_email,
    access_request_create,
    access_request_refuse,
    access_requests_sweep,
    phone_e164,
)
from lers.audit.models import AuditEvent
from lers.core.errors import DomainError, GuardFailed, IllegalTransition, NotPermitted
from lers.core.policy import active_policy
from lers.jobs.models import Job

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
MONDAY = dt.datetime(2026, 11, 23, 9, tzinfo=dt.UTC)


def sign_up(email: str = "dc.smith@met.police.uk", **overrides):
    fields = {
        "email": email,
        "password": "a long and unusual passphrase 42",
        "full_name": "DC Sam Smith",
        "agency_name": "Metropolitan Police Service",
        "country": "GB",
        "title": "Detective Constable",
        "office_phone": "020 7230 1212",
        "mobile_phone": "07911 123456",
        "supervisor_name": "DS Jo Jones",
        "supervisor_email": "jo.jones@met.police.uk",
        "requester_kind": "law_enforcement",
        "terms_acknowledged": True,
        **overrides,
    }
    return access_request_create(**fields)


def mailed_code() -> str:
    job = Job.objects.filter(name="mail.send").order_by("-pk").first()
    return re.search(r"\b(\d{6})\b", job.payload["text"]).group(1)


@pytest.fixture
def met(db):
    return Agency.objects.create(
        name="Metropolitan Police Service", country="GB", email_domains=["met.police.uk"]
    )


@pytest.mark.req("BN-02", "JU-07")
def test_phones_are_stored_in_e164_and_the_domain_is_checked():
    request = sign_up()
    assert request.office_phone == "+442072301212"
    assert request.mobile_phone == "+447911123456"
    assert request.domain_status == "registry"
    assert request.status == AccessRequest.Status.EMAIL_UNVERIFIED


@pytest.mark.req("X-05")
def test_an_address_outside_the_registry_is_flagged_not_refused():
    request = sign_up("sam.smith@gmail.com")
    assert request.domain_status == "outside"
    lookalike = sign_up("sam@met-police-uk.org")
    assert lookalike.domain_status == "lookalike"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("office_phone", "12", "not a phone number|not a valid phone"),
        ("email", "not-an-email", "valid email"),
        ("country", "Great Britain", "two-letter"),
        ("supervisor_name", "  ", "supervisor's name is required"),  # binance asks for one
        ("password", "password", "password"),
    ],
)
def test_bad_input_gets_a_clear_error_and_creates_nothing(field, value, message):
    with pytest.raises(DomainError, match=message):
        sign_up(**{field: value})
    assert not AccessRequest.objects.exists()


def test_an_existing_address_gets_the_same_answer_and_an_email(officer_a):
    assert sign_up(officer_a.email) is None
    job = Job.objects.get(name="mail.send")
    assert job.payload["to"] == [officer_a.email]
    assert "already has an account" in job.payload["text"]


def test_the_mailbox_is_proven_by_a_code_and_the_review_clock_starts():
    with time_machine.travel(MONDAY, tick=False):
        request = sign_up()
        with pytest.raises(GuardFailed, match="not right"):
            access_request_confirm_email(access_request=request, code="000000")
        request.refresh_from_db()
        assert request.email_code_attempts == 1  # the failed attempt is kept
        confirmed = access_request_confirm_email(access_request=request, code=mailed_code())
    assert confirmed.status == AccessRequest.Status.SUBMITTED
    days = active_policy().sla.access_review_business_days
    assert confirmed.due_at is not None and confirmed.due_at > MONDAY + dt.timedelta(days=days)
    with pytest.raises(IllegalTransition):
        access_request_confirm_email(access_request=request, code="123456")


def test_codes_expire_and_wrong_guesses_are_limited():
    with time_machine.travel(MONDAY, tick=False):
        request = sign_up()
        code = mailed_code()
    with (
        time_machine.travel(MONDAY + dt.timedelta(hours=1), tick=False),
        pytest.raises(GuardFailed, match="expired"),
    ):
        access_request_confirm_email(access_request=request, code=code)
    other = sign_up("jo@met.police.uk")
    for _ in range(5):
        with pytest.raises(GuardFailed):
            access_request_confirm_email(access_request=other, code="999999")
    with pytest.raises(GuardFailed, match="too many"):
        access_request_confirm_email(access_request=other, code=mailed_code())


@pytest.mark.req("HX-03")
def test_proof_of_authority_is_one_of_the_profile_types(settings):
    settings.LERS_POLICY = "hx97"
    request = sign_up()
    with pytest.raises(DomainError, match="proof of authority is one of"):
        access_proof_add(
            access_request=request,
            by=request.user,
            doc_type="court_order",
            name="x.png",
            content=PNG,
        )
    proof = access_proof_add(
        access_request=request,
        by=request.user,
        doc_type="badge_photo",
        name="badge.png",
        content=PNG,
    )
    assert proof.content_type == "image/png"


@pytest.mark.req("BN-02")
def test_staff_approve_and_the_officer_becomes_active(met, analyst, auditor):
    request = sign_up()
    with pytest.raises(IllegalTransition):  # the email is not confirmed yet
        access_request_approve(access_request=request, by=analyst, agency=met)
    access_request_confirm_email(access_request=request, code=mailed_code())
    with pytest.raises(GuardFailed, match="proof"):
        access_request_approve(access_request=request, by=analyst, agency=met)
    proof_type = active_policy().officer_verification.proof_of_authority_any_of[0]
    access_proof_add(
        access_request=request, by=request.user, doc_type=proof_type, name="id.png", content=PNG
    )
    with pytest.raises(NotPermitted):
        access_request_approve(access_request=request, by=auditor, agency=met)
    officer = access_request_approve(access_request=request, by=analyst, agency=met)
    assert officer.status == Officer.Status.ACTIVE and officer.agency == met
    assert officer.office_phone == "+442072301212"
    assert AuditEvent.objects.filter(action="access.approved", actor_id=analyst.pk).exists()
    approved = Job.objects.filter(name="mail.send").order_by("-pk").first()
    assert "approved" in approved.payload["subject"]


def test_staff_refuse_with_a_reason_and_the_account_is_closed(analyst):
    request = sign_up()
    access_request_confirm_email(access_request=request, code=mailed_code())
    with pytest.raises(GuardFailed, match="reason"):
        access_request_refuse(access_request=request, by=analyst, reason=" ")
    access_request_refuse(access_request=request, by=analyst, reason="Not a police address.")
    request.refresh_from_db()
    assert request.status == AccessRequest.Status.REFUSED
    assert not request.user.is_active
    refused = Job.objects.filter(name="mail.send").order_by("-pk").first()
    assert "Not a police address." in refused.payload["text"]


def test_an_agency_in_another_country_is_refused_at_approval(analyst, agency_b):
    request = sign_up()
    access_request_confirm_email(access_request=request, code=mailed_code())
    proof_type = active_policy().officer_verification.proof_of_authority_any_of[0]
    access_proof_add(
        access_request=request, by=request.user, doc_type=proof_type, name="id.png", content=PNG
    )
    with pytest.raises(GuardFailed, match="HK"):
        access_request_approve(access_request=request, by=analyst, agency=agency_b)


@pytest.mark.req("BN-02", "X-06")
def test_reviewers_hear_once_about_a_request_past_its_clock(analyst):
    with time_machine.travel(MONDAY, tick=False):
        request = sign_up()
        access_request_confirm_email(access_request=request, code=mailed_code())
    request.refresh_from_db()
    with time_machine.travel(request.due_at + dt.timedelta(minutes=1), tick=False):
        assert access_requests_sweep() == 1
        assert access_requests_sweep() == 0
    overdue = Job.objects.filter(name="mail.send").order_by("-pk").first()
    assert overdue.payload["to"] == [analyst.email]


def test_phone_e164_uses_the_country_as_default_region():
    assert phone_e164("2860 0000", region="HK") == "+85228600000"
    assert phone_e164("+1 202 324 3000", region="GB") == "+12023243000"
