"""The outbox and the webhook adapter end to end: every action reaches the exchange exactly
once, through failures, timeouts, retries and crashes (issue 5, "Actions port")."""

from __future__ import annotations

import pytest

from lers.actions.models import Delivery, Freeze
from lers.actions.services import deliveries
from lers.actions.services.deliveries import MAX_ATTEMPTS
from lers.actions.services.freezes import freeze_release
from lers.exchange.actions import WebhookAdapter
from lers.jobs.models import Job
from tests.actions.fixtures import T0, later
from tests.exchange.backoffice import SECRET

from .conftest import run_jobs

pytestmark = [pytest.mark.django_db, pytest.mark.req("JU-11", "HX-04")]


def test_a_decision_not_yet_delivered_when_the_process_died_is_delivered_once(office, approved):
    # The approval committed, then the process died before anything was sent: the outbox row
    # and its job are in the database, and the next worker delivers them.
    assert Delivery.objects.get().status == Delivery.Status.PENDING
    assert office.requests == []
    run_jobs()
    run_jobs()
    approved.refresh_from_db()
    assert approved.state == Freeze.State.ACTIVE
    assert approved.exchange_reference == "BO-1"
    assert len(office.requests) == 1 and office.effects() == 1


def test_a_failing_exchange_is_retried_with_backoff_until_it_acts(office, approved, time_machine):
    office.fail_next = 2
    run_jobs()
    job = Job.objects.get(name="actions.deliver")
    assert job.status == Job.Status.QUEUED and job.run_after > T0  # backing off
    assert "503" in Delivery.objects.get().last_error
    later(time_machine, seconds=31)
    run_jobs()
    later(time_machine, seconds=31 + 61)
    run_jobs()
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts) == (Delivery.Status.DELIVERED, 3)
    assert len(office.requests) == 3 and office.effects() == 1
    approved.refresh_from_db()
    assert approved.state == Freeze.State.ACTIVE


def test_an_exchange_that_times_out_after_acting_is_asked_again_and_acts_once(
    office, approved, time_machine
):
    office.delay = 2.5  # acts, then answers after the client's 1 s timeout
    run_jobs()
    assert "did not answer" in Delivery.objects.get().last_error
    office.delay = 0
    later(time_machine, minutes=1)
    run_jobs()
    assert len(office.requests) == 2 and office.effects() == 1
    assert Delivery.objects.get().status == Delivery.Status.DELIVERED


def test_a_worker_killed_after_the_exchange_acted_does_not_make_it_act_twice(
    office, approved, time_machine, monkeypatch
):
    class DiesAfterSending(WebhookAdapter):
        def perform(self, action):
            super().perform(action)
            raise KeyboardInterrupt("kill -9")  # not an Exception: nothing records a result

    monkeypatch.setattr(
        deliveries, "active_adapter", lambda: DiesAfterSending(office.url, SECRET, timeout=1)
    )
    with pytest.raises(KeyboardInterrupt):
        run_jobs()
    assert office.effects() == 1
    assert Job.objects.get(name="actions.deliver").status == Job.Status.RUNNING  # lease held
    monkeypatch.undo()
    later(time_machine, minutes=3)  # the lease expired: another worker takes the job over
    run_jobs()
    delivery = Delivery.objects.get()
    assert delivery.status == Delivery.Status.DELIVERED and delivery.reference == "BO-1"
    assert len(office.requests) == 2 and office.effects() == 1
    approved.refresh_from_db()
    assert approved.state == Freeze.State.ACTIVE


def test_an_exchange_that_never_answers_leaves_the_freeze_unconfirmed_and_releasable(
    office, approved, time_machine, operator
):
    from django.core import mail

    office.fail_next = 100
    for hour in range(MAX_ATTEMPTS):
        later(time_machine, hours=hour)
        run_jobs()
    delivery = Delivery.objects.get()
    # it never acted, but lers cannot know that: it says so instead of claiming a failure
    assert (delivery.status, delivery.attempts) == (Delivery.Status.UNCONFIRMED, MAX_ATTEMPTS)
    approved.refresh_from_db()
    assert approved.state == Freeze.State.UNCONFIRMED
    assert any("No confirmation from the exchange" in m.subject for m in mail.outbox)
    office.fail_next = 0
    freeze_release(freeze=approved, by=operator, reason="staff_decision")
    later(time_machine, hours=MAX_ATTEMPTS + 1)
    run_jobs()
    approved.refresh_from_db()
    assert approved.state == Freeze.State.RELEASED


def test_a_delivery_whose_job_was_given_up_is_reconciled(office, approved, time_machine):
    from lers.actions.services.deliveries import deliveries_reconcile

    # every attempt's worker was lost: the queue buries the job without a result
    Job.objects.filter(name="actions.deliver").update(status=Job.Status.DEAD)
    assert deliveries_reconcile() == 1
    assert deliveries_reconcile() == 0
    assert Delivery.objects.get().status == Delivery.Status.UNCONFIRMED
    approved.refresh_from_db()
    assert approved.state == Freeze.State.UNCONFIRMED
