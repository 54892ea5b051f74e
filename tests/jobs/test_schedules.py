from datetime import timedelta

import pytest

from lers.jobs.models import Job, Schedule
from lers.jobs.registry import UnknownJobError
from lers.jobs.services import jobs_prune, schedules_enqueue_due, schedules_sync

from .handlers import T0


@pytest.mark.req("X-06")
@pytest.mark.django_db
def test_schedule_enqueues_once_per_tick_even_if_called_twice(frozen):
    schedules_sync({"test.tick": 60})

    assert schedules_enqueue_due() == 1
    assert schedules_enqueue_due() == 0
    # A second worker that read the schedule before the first advanced it: same tick, same key.
    Schedule.objects.update(next_run_at=T0)
    assert schedules_enqueue_due() == 0

    job = Job.objects.get()
    assert job.name == "test.tick"
    assert job.idempotency_key == f"test.tick@{T0.isoformat()}"
    assert Schedule.objects.get().next_run_at == T0 + timedelta(seconds=60)

    frozen.shift(timedelta(seconds=59))
    assert schedules_enqueue_due() == 0
    frozen.shift(timedelta(seconds=1))
    assert schedules_enqueue_due() == 1
    assert Job.objects.count() == 2


@pytest.mark.django_db
def test_schedule_skips_missed_ticks_after_downtime(frozen):
    schedules_sync({"test.tick": 60})
    schedules_enqueue_due()
    frozen.shift(timedelta(minutes=10, seconds=30))

    assert schedules_enqueue_due() == 1
    schedule = Schedule.objects.get()
    assert schedule.next_run_at == T0 + timedelta(minutes=11)
    assert schedule.last_run_at == T0 + timedelta(minutes=10, seconds=30)


@pytest.mark.django_db
def test_sync_keeps_next_run_and_applies_a_shorter_interval(frozen):
    schedules_sync({"test.tick": 3600})
    schedules_enqueue_due()
    schedules_sync({"test.tick": 3600})
    assert Schedule.objects.get().next_run_at == T0 + timedelta(hours=1)

    schedules_sync({"test.tick": 60})
    schedule = Schedule.objects.get()
    assert (schedule.interval_seconds, schedule.next_run_at) == (60, T0 + timedelta(seconds=60))


@pytest.mark.django_db
def test_sync_refuses_a_schedule_without_handler():
    with pytest.raises(UnknownJobError):
        schedules_sync({"test.nobody": 60})


@pytest.mark.django_db
def test_prune_deletes_done_jobs_older_than_thirty_days_only(frozen):
    def finished(status, days):
        return Job.objects.create(
            name="test.ok", status=status, finished_at=T0 - timedelta(days=days)
        )

    old_done = finished(Job.Status.DONE, 31)
    recent_done = finished(Job.Status.DONE, 29)
    old_dead = finished(Job.Status.DEAD, 90)
    queued = Job.objects.create(name="test.ok")

    assert jobs_prune() == 1
    remaining = set(Job.objects.values_list("pk", flat=True))
    assert remaining == {recent_done.pk, old_dead.pk, queued.pk}
    assert old_done.pk not in remaining
