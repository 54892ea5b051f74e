"""A case's clocks, with frozen time (X-06, HX-14, HX-13)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core import mail

from lers.audit.models import AuditEvent
from lers.cases import services
from lers.cases.deadlines import calendar_of, deadlines_sweep
from lers.cases.lifecycle import State
from lers.cases.models import Deadline
from lers.core.policy import active_policy
from lers.jobs.models import Job
from lers.jobs.worker import Worker

pytestmark = [pytest.mark.req("X-06"), pytest.mark.django_db]

MONDAY = dt.datetime(2026, 11, 23, 8, 0, tzinfo=dt.UTC)


def review_clock(case) -> Deadline:
    return case.deadlines.get(kind=Deadline.Kind.REVIEW)


@time_machine.travel(MONDAY, tick=False)
def test_submission_starts_the_review_clock_in_business_days(make_case):
    case = make_case(State.SUBMITTED)
    clock = review_clock(case)
    sla = active_policy().sla
    assert (clock.unit, clock.length) == ("business_days", sla.review_business_days_max)
    calendar = calendar_of(case)
    assert clock.due_at == calendar.add_business_days(MONDAY, sla.review_business_days_max)
    assert AuditEvent.objects.filter(action="deadline.started", case_ref=case.reference).exists()


@pytest.mark.req("JU-10")
@time_machine.travel(MONDAY, tick=False)
@pytest.mark.parametrize("urgency", ["urgent", "emergency"])
def test_urgent_and_emergency_clocks_run_in_hours(make_case, urgency):
    case = make_case(State.SUBMITTED, urgency=urgency)
    clock = review_clock(case)
    hours = getattr(active_policy().sla, f"{urgency}_hours")
    assert clock.unit == "hours"
    assert clock.due_at == MONDAY + dt.timedelta(hours=hours)


@pytest.mark.req("HX-13")
def test_the_clock_pauses_while_the_agency_answers_and_resumes_after(make_case, analyst, officer_a):
    with time_machine.travel(MONDAY, tick=False):
        case = make_case(State.TRIAGE)
        original_due = review_clock(case).due_at
    with time_machine.travel(MONDAY + dt.timedelta(days=1), tick=False):  # Tuesday
        services.case_request_information(case=case, by=analyst, question="Which wallet?")
        clock = review_clock(case)
        assert clock.status == Deadline.Status.PAUSED
        answer_clock = case.deadlines.get(kind=Deadline.Kind.AGENCY_ANSWER)
        assert answer_clock.status == Deadline.Status.RUNNING
    with time_machine.travel(MONDAY + dt.timedelta(days=7), tick=False):  # next Monday
        services.case_answer(case=case, by=officer_a, answer="The first one.")
        clock = review_clock(case)
        assert clock.status == Deadline.Status.RUNNING
        calendar = calendar_of(case)
        # The business days from Tuesday to Monday did not count against the exchange.
        assert clock.due_at == calendar.add_business_days(
            MONDAY + dt.timedelta(days=7),
            calendar.business_days_between(MONDAY + dt.timedelta(days=1), original_due),
        )
        assert calendar.business_days_between(original_due, clock.due_at) == 4
        answer_clock.refresh_from_db()
        assert answer_clock.status == Deadline.Status.MET


def test_the_sweep_marks_due_soon_then_overdue_and_notifies(make_case, analyst):
    with time_machine.travel(MONDAY, tick=False):
        case = make_case(State.TRIAGE)
        due = review_clock(case).due_at
    with time_machine.travel(due - dt.timedelta(hours=12), tick=False):
        changed = deadlines_sweep()
        assert [d.status for d in changed] == [Deadline.Status.DUE_SOON]
        assert deadlines_sweep() == []  # marked once, not at every sweep
    with time_machine.travel(due + dt.timedelta(minutes=1), tick=False):
        changed = deadlines_sweep()
        assert [d.status for d in changed] == [Deadline.Status.OVERDUE]
        # The emails wait in the durable queue until the worker sends them.
        assert Job.objects.filter(name="mail.send").count() == 2
        assert mail.outbox == []
        Worker(worker_id="test").run(burst=True)
    actions = list(
        AuditEvent.objects.filter(
            case_ref=case.reference, action__startswith="deadline."
        ).values_list("action", flat=True)
    )
    assert actions[-2:] == ["deadline.due_soon", "deadline.overdue"]
    subjects = [m.subject for m in mail.outbox]
    assert any("due soon" in s for s in subjects)
    assert any("overdue" in s for s in subjects)
    assert all(m.to == [analyst.email] for m in mail.outbox)  # the holder of the case


def test_a_decision_stops_the_clock(make_case, reviewer):
    with time_machine.travel(MONDAY, tick=False):
        case = make_case(State.LEGAL_REVIEW)
        services.case_approve(case=case, by=reviewer, note="Approved in part.")
        assert review_clock(case).status == Deadline.Status.MET
    with time_machine.travel(MONDAY + dt.timedelta(days=60), tick=False):
        assert deadlines_sweep() == []


def test_withdrawal_stops_every_clock(make_case, officer_a, analyst):
    case = make_case(State.TRIAGE)
    services.case_request_information(case=case, by=analyst, question="More?")
    services.case_withdraw(case=case, by=officer_a, reason="Closed on our side.")
    assert set(case.deadlines.values_list("status", flat=True)) == {Deadline.Status.STOPPED}
