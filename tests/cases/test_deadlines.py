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
        # The business days paused whole (Wednesday to Friday) do not count against the exchange.
        assert clock.due_at == calendar.add_business_days(original_due, 3)
        assert calendar.business_days_between(original_due, clock.due_at) == 3  # Wed-Fri
        answer_clock.refresh_from_db()
        assert answer_clock.status == Deadline.Status.MET


def test_the_sweep_marks_due_soon_then_overdue_and_notifies(make_case, analyst):
    with time_machine.travel(MONDAY, tick=False):
        case = make_case(State.TRIAGE)
        due = review_clock(case).due_at
    Job.objects.filter(name="mail.send").delete()  # the officer's "in triage" email
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
        services.case_approve(
            case=case, by=reviewer, note="Approved in part.", without_accounts=True
        )
        assert review_clock(case).status == Deadline.Status.MET
    with time_machine.travel(MONDAY + dt.timedelta(days=60), tick=False):
        assert deadlines_sweep() == []


def test_withdrawal_stops_every_clock(make_case, officer_a, analyst):
    case = make_case(State.TRIAGE)
    services.case_request_information(case=case, by=analyst, question="More?")
    services.case_withdraw(case=case, by=officer_a, reason="Closed on our side.")
    assert set(case.deadlines.values_list("status", flat=True)) == {Deadline.Status.STOPPED}


def test_an_overdue_clock_paused_and_resumed_stays_overdue(make_case, analyst, officer_a):
    with time_machine.travel(MONDAY, tick=False):
        case = make_case(State.TRIAGE)
        due = review_clock(case).due_at
    with time_machine.travel(due + dt.timedelta(hours=1), tick=False):
        deadlines_sweep()
        services.case_request_information(case=case, by=analyst, question="Which wallet?")
    with time_machine.travel(due + dt.timedelta(hours=3), tick=False):
        services.case_answer(case=case, by=officer_a, answer="The first.")
        assert review_clock(case).status == Deadline.Status.OVERDUE


def test_a_warning_is_sent_once_per_clock(make_case, analyst, officer_a):
    with time_machine.travel(MONDAY, tick=False):
        case = make_case(State.TRIAGE)
        due = review_clock(case).due_at
    with time_machine.travel(due - dt.timedelta(hours=12), tick=False):
        assert len(deadlines_sweep()) == 1
        services.case_request_information(case=case, by=analyst, question="Which wallet?")
        services.case_answer(case=case, by=officer_a, answer="The first.")
        deadlines_sweep()
    subjects = [job.payload["subject"] for job in Job.objects.filter(name="mail.send")]
    assert len([s for s in subjects if "due soon" in s]) == 1


def test_a_decision_after_the_due_time_is_recorded_late(make_case, reviewer):
    with time_machine.travel(MONDAY, tick=False):
        case = make_case(State.LEGAL_REVIEW)
        due = review_clock(case).due_at
    with time_machine.travel(due + dt.timedelta(minutes=5), tick=False):  # no sweep ran
        services.case_approve(case=case, by=reviewer, note="Approved.", without_accounts=True)
    event = AuditEvent.objects.filter(case_ref=case.reference, action="deadline.met").get()
    assert event.payload["late"] is True


@pytest.mark.req("JU-01")
def test_routing_to_another_entity_moves_the_clock_to_its_calendar(settings, officer_a, analyst):
    settings.LERS_POLICY = "ju"  # Seychelles and Hong Kong entities
    from lers.cases.models import Entity

    Entity.objects.create(
        code="ju_global", name="Global", jurisdiction="SC", timezone="Indian/Mahe"
    )
    hong_kong = Entity.objects.create(
        code="ju_hk", name="HK", jurisdiction="HK", timezone="Asia/Hong_Kong"
    )
    with time_machine.travel(dt.datetime(2026, 9, 28, 2, tzinfo=dt.UTC), tick=False):
        case = services.case_create(officer_user=officer_a, request_types=["information"])
        services.case_submit(case=case, by=officer_a, accept_incomplete=True)
        before = review_clock(case).due_at
        services.case_start_triage(case=case, by=analyst)  # takes the case
        case = services.case_route(case=case, by=analyst, entity=hong_kong)
        after = review_clock(case).due_at
    # 1 October (National Day) is a Hong Kong holiday, not a Seychelles one.
    calendar = calendar_of(case)
    assert calendar.timezone == "Asia/Hong_Kong"
    assert after == calendar.add_business_days(
        dt.datetime(2026, 9, 28, 2, tzinfo=dt.UTC), active_policy().sla.review_business_days_max
    )
    assert after != before
