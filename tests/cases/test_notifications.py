"""Officers hear of every change to their cases, and never of the staff's internal notes (X-02)."""

from __future__ import annotations

import pytest

from lers.agencies.models import Officer
from lers.cases import services
from lers.cases.lifecycle import State
from lers.core.policy import active_policy
from lers.jobs.models import Job

pytestmark = [pytest.mark.django_db, pytest.mark.req("X-02", "X-03")]


def mails_to(address: str) -> list[dict]:
    return [
        job.payload
        for job in Job.objects.filter(name="mail.send")
        if job.payload["to"] == [address]
    ]


@pytest.fixture
def case_with_colleague(make_case, officer_a, colleague_a):
    case = make_case(State.TRIAGE)
    services.case_add_officer(case=case, by=officer_a, colleague=colleague_a.officer)
    Job.objects.filter(name="mail.send").delete()
    return case


@pytest.mark.req("HX-13")
def test_a_question_reaches_every_officer_on_the_case(
    case_with_colleague, analyst, officer_a, colleague_a
):
    services.case_request_information(
        case=case_with_colleague, by=analyst, question="Which wallet received the funds?"
    )
    for officer in (officer_a, colleague_a):
        (mail,) = mails_to(officer.email)
        assert case_with_colleague.reference in mail["subject"]
        assert "Which wallet received the funds?" in mail["text"]
        assert f"/portal/cases/{case_with_colleague.reference}/" in mail["text"]


def test_internal_notes_stay_with_the_staff(case_with_colleague, analyst, officer_a):
    services.case_send_to_verification(case=case_with_colleague, by=analyst)
    services.case_verify(
        case=case_with_colleague, by=analyst, note="Switchboard says DC Smith is on leave."
    )
    mails = mails_to(officer_a.email)
    assert len(mails) == 2
    assert all("on leave" not in m["text"] and "on leave" not in m["html"] for m in mails)


@pytest.mark.req("JU-14")
def test_a_decline_gives_the_policy_reasons(case_with_colleague, analyst, officer_a):
    code, reason = next(iter(active_policy().decline_reasons.items()))
    services.case_decline(
        case=case_with_colleague, by=analyst, reasons=[code], message="See the reasons."
    )
    (mail,) = mails_to(officer_a.email)
    assert reason.label in mail["text"]
    assert "See the reasons." in mail["text"]


def test_the_actor_is_not_told_of_their_own_move_and_suspended_officers_hear_nothing(
    case_with_colleague, officer_a, colleague_a
):
    Officer.objects.filter(user=colleague_a).update(status=Officer.Status.SUSPENDED)
    services.case_withdraw(case=case_with_colleague, by=officer_a, reason="Arrest made.")
    assert mails_to(officer_a.email) == []
    assert mails_to(colleague_a.email) == []
