"""Verifying who asks: call-backs to the directory number and the fraud signals."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from lers.agencies.models import Officer
from lers.audit.models import AuditEvent
from lers.cases import services
from lers.cases.lifecycle import State
from lers.cases.models import CallBack, Case
from lers.core.errors import DomainError, GuardFailed, NotPermitted
from lers.demo.services import seals_confirm
from tests.conftest import PASSWORD, make_officer

pytestmark = pytest.mark.django_db

DIRECTORY = "+442072301212"  # agency_a's switchboard in the directory


def codes(case: Case) -> set[str]:
    return {s.code for s in services.case_signals(case)}


@pytest.mark.req("JU-04", "JU-07", "X-04")
def test_only_a_confirmed_call_to_the_directory_number_verifies(
    settings, make_case, analyst, officer_a
):
    settings.LERS_POLICY = "ju"  # telephone call-back required
    case = make_case(State.VERIFICATION)
    CallBack.objects.filter(case=case).delete()
    Officer.objects.filter(user=officer_a).update(office_phone="+442079460000")
    own = services.callback_record(
        case=case, by=analyst, number="020 7946 0000", outcome="confirmed"
    )
    assert own.source == CallBack.Source.REQUEST and "not from the agency directory" in own.warning
    with pytest.raises(GuardFailed, match="call-back"):
        services.case_verify(case=case, by=analyst, note="Called the number on the request.")
    unanswered = services.callback_record(
        case=case, by=analyst, number=DIRECTORY, outcome="no_answer"
    )
    assert unanswered.source == CallBack.Source.DIRECTORY and not unanswered.warning
    with pytest.raises(GuardFailed, match="call-back"):
        services.case_verify(case=case, by=analyst, note="Nobody answered.")
    services.callback_record(
        case=case,
        by=analyst,
        number="020 7230 1212",  # the same directory number, written nationally
        outcome="confirmed",
        officer=officer_a.officer,
        note="Switchboard transferred us to the officer.",
    )
    seals_confirm(case, analyst)  # ju requires them too (JU-18)
    services.case_verify(case=case, by=analyst, note="Verified by call-back.")
    case.refresh_from_db()
    assert case.state == State.LEGAL_REVIEW
    event = AuditEvent.objects.filter(action="case.callback").last()
    assert event.payload["source"] == "directory" and event.payload["outcome"] == "confirmed"


@pytest.mark.req("X-04")
def test_an_emergency_needs_the_call_back_even_where_the_profile_does_not(make_case, analyst):
    case = make_case(State.VERIFICATION, urgency="emergency")  # binance: "when needed"
    CallBack.objects.filter(case=case).delete()
    with pytest.raises(GuardFailed, match="call-back"):
        services.case_verify(case=case, by=analyst, note="Urgent.")
    standard = make_case(State.VERIFICATION)
    services.case_verify(case=standard, by=analyst, note="Documents and domain checked.")


@pytest.mark.req("JU-04")
def test_a_bad_number_or_outcome_records_nothing_and_only_reviewers_call(
    make_case, analyst, operator
):
    case = make_case(State.VERIFICATION)
    before = CallBack.objects.count()
    with pytest.raises(DomainError, match="valid phone number"):
        services.callback_record(case=case, by=analyst, number="call me", outcome="confirmed")
    with pytest.raises(DomainError, match="outcome"):
        services.callback_record(case=case, by=analyst, number=DIRECTORY, outcome="great")
    with pytest.raises(NotPermitted):
        services.callback_record(case=case, by=operator, number=DIRECTORY, outcome="confirmed")
    assert CallBack.objects.count() == before


@pytest.mark.req("X-05")
def test_a_trusted_officer_of_a_known_agency_raises_no_signal(make_case, officer_a, time_machine):
    time_machine.move_to(dt.datetime.now(dt.UTC) + dt.timedelta(days=400))
    case = make_case(State.TRIAGE)
    assert codes(case) == set()


@pytest.mark.req("X-05")
def test_the_fraud_signals(make_case, agency_a, analyst, officer_a):
    case = make_case(State.TRIAGE)
    assert "officer_new" in codes(case)  # created today
    lookalike = make_officer("mimic", agency_a)
    lookalike.email = "mimic@a-police.uk.example.com"
    lookalike.save(update_fields=["email"])
    case.officers.add(lookalike.officer)
    found = codes(case)
    assert {"domain_lookalike", "contact_differs"} <= found or {
        "domain_outside",
        "contact_differs",
    } <= found
    services.officer_flag(
        officer=lookalike.officer, by=analyst, reason="Asked us to call a mobile.", case=case
    )
    assert "officer_flagged" in codes(case)
    agency_a.switchboard_phone = ""
    agency_a.save(update_fields=["switchboard_phone"])
    case.refresh_from_db()
    assert "no_directory_number" in codes(case)
    Case.objects.filter(pk=case.pk).update(urgency="emergency", timeframe_start=None)
    case.refresh_from_db()
    assert "emergency_broad" in codes(case)


@pytest.mark.req("X-05", "JU-04")
def test_the_case_page_shows_the_signals_and_records_a_call_back(client, make_case, analyst):
    case = make_case(State.VERIFICATION)
    assert client.login(username=analyst.username, password=PASSWORD)
    page = client.get(reverse("workbench-case", args=[case.reference])).content.decode()
    assert 'data-signal="officer_new"' in page and DIRECTORY in page
    response = client.post(
        reverse("workbench-callback", args=[case.reference]),
        {"number": "+442079460999", "outcome": "confirmed", "note": "Number from the email"},
        follow=True,
    )
    assert "number in the directory" in response.content.decode()
    assert CallBack.objects.filter(case=case, source="other").exists()


@pytest.mark.req("X-05")
def test_a_recent_change_to_the_officers_account_is_a_signal(make_case, officer_a, time_machine):
    from allauth.account.signals import email_changed, password_changed
    from allauth.mfa.signals import authenticator_reset

    time_machine.move_to(dt.datetime.now(dt.UTC) + dt.timedelta(days=400))  # an old account
    case = make_case(State.TRIAGE)
    assert "officer_changed" not in codes(case)
    authenticator_reset.send(sender=None, request=None, user=officer_a)
    email_changed.send(
        sender=None,
        request=None,
        user=officer_a,
        from_email_address="old@a.police.uk",
        to_email_address="officer_a@a.police.uk",
    )
    password_changed.send(sender=None, request=None, user=officer_a)
    recorded = list(
        AuditEvent.objects.filter(object_id=str(officer_a.pk), action__startswith="account.")
        .order_by("seq")
        .values_list("action", flat=True)
    )
    assert recorded == [
        "account.factor_reset",
        "account.email_changed",
        "account.password_changed",
    ]
    (signal,) = [s for s in services.case_signals(case) if s.code == "officer_changed"]
    assert "password changed" in signal.detail
    time_machine.move_to(dt.datetime.now(dt.UTC) + dt.timedelta(days=31))
    assert "officer_changed" not in codes(case)  # an old change is no longer a warning


@pytest.mark.req("X-05")
def test_when_an_emergency_counts_as_broad_is_the_profiles(make_case, settings, tmp_path):
    """complete_request names 2 targets, 4 categories and 89 days: not broad by the shipped
    thresholds; broad under a profile that allows 30 days."""
    from pathlib import Path

    import lers.policy

    case = make_case(State.SUBMITTED, urgency="emergency")
    assert "emergency_broad" not in codes(case)
    shipped = Path(lers.policy.__file__).with_name("profiles") / f"{settings.LERS_POLICY}.toml"
    text = shipped.read_text(encoding="utf-8")
    section = text.index("[officer_verification.emergency_broad]")
    narrower = text[:section] + text[section:].replace("days = 180", "days = 30", 1)
    (tmp_path / "narrow.toml").write_text(narrower, encoding="utf-8")
    settings.LERS_POLICY = str(tmp_path / "narrow.toml")
    assert "emergency_broad" in codes(case)
