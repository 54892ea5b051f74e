import threading
from datetime import timedelta

import pytest
from django.conf import settings
from django.db import connection, transaction

from lers.jobs import services
from lers.jobs.models import Job
from lers.jobs.services import job_claim, job_enqueue

from .handlers import T0

on_postgresql = pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
    reason="needs PostgreSQL row locks",
)


@pytest.mark.django_db
def test_claim_takes_highest_priority_then_earliest_run_after(frozen):
    late_low = job_enqueue(name="test.ok", run_after=T0 - timedelta(minutes=1))
    early_low = job_enqueue(name="test.ok", run_after=T0 - timedelta(minutes=5))
    late_high = job_enqueue(name="test.ok", run_after=T0 - timedelta(minutes=1), priority=10)
    early_high = job_enqueue(name="test.ok", run_after=T0 - timedelta(minutes=2), priority=10)

    order = [job_claim(worker_id="w").pk for _ in range(4)]

    assert order == [early_high.pk, late_high.pk, early_low.pk, late_low.pk]
    assert job_claim(worker_id="w") is None


@pytest.mark.django_db
def test_claim_skips_jobs_not_yet_due(frozen):
    job_enqueue(name="test.ok", run_after=T0 + timedelta(seconds=1), priority=100)
    assert job_claim(worker_id="w") is None
    frozen.shift(timedelta(seconds=1))
    assert job_claim(worker_id="w") is not None


@pytest.mark.django_db
def test_claim_leases_the_job_and_counts_an_attempt(frozen):
    job_enqueue(name="test.crashy")
    job = job_claim(worker_id="host:1")
    assert job.status == Job.Status.RUNNING
    assert job.attempts == 1
    assert job.locked_by == "host:1"
    assert job.locked_until == T0 + timedelta(seconds=60)  # the handler's lease_seconds


@pytest.mark.django_db
def test_running_job_is_not_claimed_while_its_lease_holds(frozen):
    job_enqueue(name="test.crashy")
    job_claim(worker_id="a")
    frozen.shift(timedelta(seconds=59))
    assert job_claim(worker_id="b") is None


@pytest.mark.django_db
def test_conditional_claim_fails_when_another_worker_took_the_job_first(frozen):
    job_enqueue(name="test.ok")
    seen_by_a = services._claimable(T0).first()
    assert job_claim(worker_id="b").locked_by == "b"

    assert services._take(seen_by_a, worker_id="a", now=T0) is None
    assert Job.objects.get().locked_by == "b"
    assert Job.objects.get().attempts == 1


@on_postgresql
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_claim_skips_a_job_locked_by_another_worker_instead_of_waiting():
    first = job_enqueue(name="test.ok", priority=1)
    second = job_enqueue(name="test.ok")
    locked = threading.Event()
    release = threading.Event()

    def hold_first() -> None:
        try:
            with transaction.atomic():
                Job.objects.select_for_update().get(pk=first.pk)
                locked.set()
                release.wait(timeout=30)
        finally:
            connection.close()

    holder = threading.Thread(target=hold_first)
    holder.start()
    try:
        assert locked.wait(timeout=30)
        claimed = job_claim(worker_id="w")
    finally:
        release.set()
        holder.join()

    assert claimed.pk == second.pk
    assert Job.objects.get(pk=first.pk).status == Job.Status.QUEUED
