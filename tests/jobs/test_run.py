from datetime import timedelta

import pytest

from lers.jobs.models import Job
from lers.jobs.services import job_backoff, job_claim, job_enqueue, job_run
from lers.jobs.worker import Worker

from .handlers import T0


@pytest.mark.django_db
def test_successful_job_is_done(frozen, calls):
    job_enqueue(name="test.ok", payload={"case": 7})
    job = job_claim(worker_id="w")
    job_run(job, worker_id="w")

    stored = Job.objects.get()
    assert stored.status == Job.Status.DONE
    assert stored.finished_at == T0
    assert (stored.locked_by, stored.locked_until) == ("", None)
    assert calls == [("test.ok", {"case": 7})]


@pytest.mark.django_db
def test_job_survives_worker_restart_when_lease_expires(frozen, calls):
    job_enqueue(name="test.ok", payload={"case": 7})
    # The first worker claims the job and dies before running it (no result is written).
    dead = job_claim(worker_id="old-host:100")
    assert dead.status == Job.Status.RUNNING

    restarted = Worker(worker_id="new-host:200", periodic={})
    assert restarted.run_once() is False  # the lease still holds: the job is not stolen early

    frozen.move_to(dead.locked_until, tick=False)
    assert restarted.run_once() is True

    stored = Job.objects.get()
    assert stored.status == Job.Status.DONE
    assert stored.attempts == 2
    assert "old-host:100" in stored.last_error
    assert calls == [("test.ok", {"case": 7})]


@pytest.mark.django_db
def test_failing_job_retries_with_backoff_then_dies_keeping_last_error(frozen, calls):
    job_enqueue(name="test.fail", payload={"x": 1})  # max_attempts=3

    job_run(job_claim(worker_id="w"), worker_id="w")
    stored = Job.objects.get()
    assert stored.status == Job.Status.QUEUED
    assert stored.run_after == T0 + timedelta(seconds=30)
    assert "ValueError: boom" in stored.last_error
    assert job_claim(worker_id="w") is None  # not before the backoff

    frozen.shift(timedelta(seconds=30))
    job_run(job_claim(worker_id="w"), worker_id="w")
    stored.refresh_from_db()
    assert stored.status == Job.Status.QUEUED
    assert stored.run_after == T0 + timedelta(seconds=30 + 60)

    frozen.shift(timedelta(seconds=60))
    job_run(job_claim(worker_id="w"), worker_id="w")
    stored.refresh_from_db()
    assert stored.status == Job.Status.DEAD
    assert stored.attempts == 3
    assert stored.finished_at == T0 + timedelta(seconds=90)
    assert "ValueError: boom" in stored.last_error
    assert "Traceback" in stored.last_error
    assert len(calls) == 3
    frozen.shift(timedelta(days=1))
    assert job_claim(worker_id="w") is None


@pytest.mark.parametrize(
    ("attempts", "seconds"), [(1, 30), (2, 60), (3, 120), (7, 1920), (8, 3600), (20, 3600)]
)
def test_backoff_doubles_from_thirty_seconds_up_to_an_hour(attempts, seconds):
    assert job_backoff(attempts) == timedelta(seconds=seconds)


@pytest.mark.django_db
def test_worker_that_lost_its_lease_cannot_mark_the_job_done(frozen, calls):
    job_enqueue(name="test.ok")
    slow = job_claim(worker_id="slow")
    frozen.move_to(slow.locked_until, tick=False)
    taker = job_claim(worker_id="taker")
    assert taker.pk == slow.pk

    job_run(slow, worker_id="slow")  # finishes late: its result must not count
    stored = Job.objects.get()
    assert stored.status == Job.Status.RUNNING
    assert (stored.locked_by, stored.attempts) == ("taker", 2)

    job_run(taker, worker_id="taker")
    stored.refresh_from_db()
    assert stored.status == Job.Status.DONE


@pytest.mark.django_db
def test_worker_that_lost_its_lease_cannot_requeue_a_failed_job(frozen):
    job_enqueue(name="test.fail")
    slow = job_claim(worker_id="slow")
    frozen.move_to(slow.locked_until, tick=False)
    job_claim(worker_id="taker")

    job_run(slow, worker_id="slow")
    stored = Job.objects.get()
    assert (stored.status, stored.locked_by) == (Job.Status.RUNNING, "taker")


@pytest.mark.django_db
def test_job_that_keeps_killing_its_worker_is_dead_after_max_attempts(frozen, calls):
    job_enqueue(name="test.crashy")  # max_attempts=2, lease 60 s
    job_claim(worker_id="a")  # worker a dies
    frozen.shift(timedelta(seconds=60))
    job_claim(worker_id="b")  # worker b dies too
    frozen.shift(timedelta(seconds=60))

    assert job_claim(worker_id="c") is None
    stored = Job.objects.get()
    assert stored.status == Job.Status.DEAD
    assert "worker b lost the job" in stored.last_error
    assert calls == []
