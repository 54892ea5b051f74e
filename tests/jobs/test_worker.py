import os
import socket
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command

from lers.jobs.models import Job, Schedule
from lers.jobs.services import job_enqueue
from lers.jobs.worker import Worker

from .handlers import T0


@pytest.mark.django_db
def test_burst_run_drains_runnable_jobs_and_returns(frozen, calls):
    for n in range(3):
        job_enqueue(name="test.ok", payload={"n": n})
    job_enqueue(name="test.fail")
    later = job_enqueue(name="test.ok", run_after=T0 + timedelta(hours=1))

    ran = Worker(worker_id="w", periodic={}).run(burst=True)

    assert ran == 4
    assert Job.objects.filter(status=Job.Status.DONE).count() == 3
    assert Job.objects.get(name="test.fail").status == Job.Status.QUEUED  # waiting for backoff
    assert Job.objects.get(pk=later.pk).status == Job.Status.QUEUED


@pytest.mark.django_db
def test_run_stops_after_max_jobs(frozen):
    for _ in range(3):
        job_enqueue(name="test.ok")
    assert Worker(worker_id="w", periodic={}).run(burst=True, max_jobs=2) == 2
    assert Job.objects.filter(status=Job.Status.QUEUED).count() == 1


@pytest.mark.django_db
def test_run_once_reports_whether_a_job_ran(frozen):
    worker = Worker(worker_id="w", periodic={})
    assert worker.run_once() is False
    job_enqueue(name="test.ok")
    assert worker.run_once() is True


@pytest.mark.django_db
def test_worker_enqueues_and_runs_due_schedules(frozen, calls):
    worker = Worker(worker_id="w", periodic={"test.tick": 60})
    assert worker.run(burst=True) == 1
    assert calls == [("test.tick", {})]
    assert Schedule.objects.get().next_run_at == T0 + timedelta(seconds=60)


@pytest.mark.django_db
def test_sigterm_finishes_the_current_job_then_exits(frozen, calls):
    first = job_enqueue(name="test.sigterm", priority=1)
    second = job_enqueue(name="test.ok")

    # Not burst: without the signal it would run both (max_jobs keeps a failure from hanging).
    ran = Worker(worker_id="w", periodic={}).run(max_jobs=2)

    assert ran == 1
    assert Job.objects.get(pk=first.pk).status == Job.Status.DONE
    assert Job.objects.get(pk=second.pk).status == Job.Status.QUEUED


def test_worker_id_defaults_to_host_and_pid():
    worker = Worker()
    assert worker.worker_id == f"{socket.gethostname()}:{os.getpid()}"
    assert worker.poll_seconds > 0


@pytest.mark.django_db
def test_worker_command_burst_runs_queued_jobs(frozen, calls, no_project_schedules):
    job_enqueue(name="test.ok", payload={"via": "command"})
    out = StringIO()

    call_command("worker", "--burst", "--poll", "0.5", stdout=out)

    assert Job.objects.get().status == Job.Status.DONE
    assert calls == [("test.ok", {"via": "command"})]
    first_line = out.getvalue().splitlines()[0]
    assert first_line.startswith("lers worker ") and "started" in first_line


@pytest.mark.django_db
def test_worker_command_max_jobs(frozen, no_project_schedules):
    job_enqueue(name="test.ok")
    job_enqueue(name="test.ok")
    call_command("worker", "--burst", "--max-jobs", "1", stdout=StringIO())
    assert Job.objects.filter(status=Job.Status.DONE).count() == 1
