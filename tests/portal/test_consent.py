"""The agency gives or withdraws its consent to tell the user on the case page, after the
request was sent; the request form and the case page ask only what the profile asks, and show
the freeze's cap only where the profile publishes it (HX-10, HX-11, HX-12)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from lers.actions.models import Freeze
from lers.actions.services.freezes import freeze_approve, freeze_request
from lers.audit.models import AuditEvent
from lers.cases.lifecycle import State
from lers.jobs.models import Job
from tests.conftest import PASSWORD, run_jobs
from tests.custom_profile import custom_profile

pytestmark = pytest.mark.django_db

DISCLOSE = "The exchange may tell the user about this request"
SHARE = "The exchange may give the user your agency&#x27;s contact details"
NOT_FOR_LONG = "Without this consent, the exchange may not keep a freeze for long."


def signed_in(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


def page(client, case) -> str:
    response = client.get(reverse("portal-case", args=[case.reference]))
    assert response.status_code == 200
    return response.content.decode()


def consent(client, case, **answers: bool):
    data = {name: "on" for name, given in answers.items() if given}
    return client.post(reverse("portal-consent", args=[case.reference]), data)


@pytest.mark.req("HX-10", "HX-11")
def test_the_officer_consents_on_the_case_page_and_the_freeze_and_the_staff_follow(
    client, subject_case, officer_a, analyst, approver, settings, time_machine
):
    settings.LERS_POLICY = "hx97"
    start = dt.datetime(2026, 6, 1, 8, tzinfo=dt.UTC)
    time_machine.move_to(start, tick=False)
    freeze = freeze_request(
        case=subject_case, uid="10000001", scope="account", by=analyst, reason="Fraud", days=60
    )
    freeze_approve(freeze=freeze, by=approver)
    run_jobs()
    freeze.refresh_from_db()
    assert freeze.expires_at == start + dt.timedelta(days=30)  # without consent
    officer = signed_in(client, officer_a)
    shown = page(officer, subject_case)
    assert 'action="' + reverse("portal-consent", args=[subject_case.reference]) in shown
    assert DISCLOSE in shown and SHARE in shown
    assert NOT_FOR_LONG in shown  # 97's warning, without its unpublished number
    assert "at most 30 days" not in shown
    assert "No consent to tell the user" in shown
    Job.objects.all().delete()

    response = consent(officer, subject_case, consent_to_disclose=True)
    assert response.status_code == 302
    subject_case.refresh_from_db()
    assert (subject_case.consent_to_disclose, subject_case.consent_to_share_contact) == (
        True,
        False,
    )
    event = AuditEvent.objects.get(action="case.consent_changed", case_ref=subject_case.reference)
    assert event.actor_id == officer_a.pk
    freeze.refresh_from_db()
    assert (freeze.without_consent, freeze.expires_at) == (False, start + dt.timedelta(days=60))
    mails = [j.payload for j in Job.objects.filter(name="mail.send")]
    assert any(analyst.email in m["to"] and "changed its consent" in m["subject"] for m in mails)
    assert "The exchange may tell the user" in page(officer, subject_case)

    # The exchange's staff see it on their case page.
    staff = signed_in(client, analyst)
    shown = staff.get(reverse("workbench-case", args=[subject_case.reference])).content.decode()
    assert "The exchange may tell the user" in shown
    assert "without consent to disclose" not in shown

    # Withdrawn: the cap again, from now.
    officer = signed_in(client, officer_a)
    time_machine.move_to(start + dt.timedelta(days=10), tick=False)
    assert consent(officer, subject_case).status_code == 302
    freeze.refresh_from_db()
    assert freeze.without_consent
    assert freeze.expires_at == start + dt.timedelta(days=40)


@pytest.mark.req("HX-12")
def test_the_contact_cannot_be_shared_without_consent_to_tell_the_user(
    client, subject_case, officer_a, settings
):
    settings.LERS_POLICY = "hx97"
    response = consent(signed_in(client, officer_a), subject_case, consent_to_share_contact=True)
    assert response.status_code == 409
    assert "your contact can be shared only if the user may be told" in response.content.decode()
    subject_case.refresh_from_db()
    assert not subject_case.consent_to_share_contact
    assert not AuditEvent.objects.filter(action="case.consent_changed").exists()


@pytest.mark.req("HX-10")
def test_only_an_officer_on_the_case_answers(
    client, subject_case, officer_b, colleague_a, agency_admin_a, settings
):
    settings.LERS_POLICY = "hx97"
    for outsider in (officer_b, colleague_a):  # another agency; a colleague not on the case
        response = consent(signed_in(client, outsider), subject_case, consent_to_disclose=True)
        assert response.status_code == 404
    admin = signed_in(client, agency_admin_a)  # reads every case of the agency, acts on none
    assert reverse("portal-consent", args=[subject_case.reference]) not in page(admin, subject_case)
    assert consent(admin, subject_case, consent_to_disclose=True).status_code == 403
    subject_case.refresh_from_db()
    assert not subject_case.consent_to_disclose


@pytest.mark.req("HX-11")
def test_a_published_cap_is_shown_with_its_number(client, make_case, officer_a, settings, tmp_path):
    custom_profile(
        settings,
        tmp_path,
        "hx97",
        {"without_consent_limit_published = false": "without_consent_limit_published = true"},
    )
    case = make_case(State.TRIAGE)
    shown = page(signed_in(client, officer_a), case)
    assert "Without this consent, the exchange keeps a freeze for at most 30 days." in shown
    assert NOT_FOR_LONG not in shown
    draft = make_case(State.DRAFT)
    form = client.get(reverse("portal-request-step", args=[draft.reference, "scope"]))
    assert "at most 30 days" in form.content.decode()


@pytest.mark.req("HX-10", "HX-12")
def test_a_profile_that_asks_no_consent_to_disclose_does_not_ask_it(
    client, make_case, officer_a, settings
):
    settings.LERS_POLICY = "binance"  # consent_to_disclose_asked = false
    case = make_case(State.TRIAGE)
    officer = signed_in(client, officer_a)
    shown = page(officer, case)
    assert DISCLOSE not in shown and SHARE in shown
    assert "No consent to tell the user" not in shown
    draft = make_case(State.DRAFT)
    form = officer.get(reverse("portal-request-step", args=[draft.reference, "scope"]))
    assert DISCLOSE not in form.content.decode()
    # A box the page does not show changes nothing; the one it shows does.
    assert consent(officer, case, consent_to_disclose=True).status_code == 302
    case.refresh_from_db()
    assert not case.consent_to_disclose
    consent(officer, case, consent_to_share_contact=True)
    case.refresh_from_db()
    assert case.consent_to_share_contact


@pytest.mark.req("HX-10")
def test_consent_to_disclose_asked_is_the_profile_s(
    client, make_case, officer_a, settings, tmp_path
):
    """97 with the question switched off (and with it the rules that need it)."""
    custom_profile(
        settings,
        tmp_path,
        "hx97",
        {
            "consent_to_disclose_asked = true": "consent_to_disclose_asked = false",
            "without_consent_max_days = 30\n": "",
            'withhold_when = ["freeze_without_consent", "legal_prohibition"]': (
                'withhold_when = ["legal_prohibition"]'
            ),
        },
    )
    draft = make_case(State.DRAFT)
    officer = signed_in(client, officer_a)
    form = officer.get(reverse("portal-request-step", args=[draft.reference, "scope"]))
    assert DISCLOSE not in form.content.decode() and SHARE in form.content.decode()
    assert DISCLOSE not in page(officer, make_case(State.TRIAGE))


@pytest.mark.req("HX-10")
def test_a_closed_request_takes_no_answer(client, make_case, officer_a, settings):
    settings.LERS_POLICY = "hx97"
    case = make_case(State.WITHDRAWN)
    officer = signed_in(client, officer_a)
    assert reverse("portal-consent", args=[case.reference]) not in page(officer, case)
    assert consent(officer, case, consent_to_disclose=True).status_code == 409
    assert not Freeze.objects.exists()
