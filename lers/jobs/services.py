"""The job queue's use cases: enqueue (the outbox write), claim, run, and periodic schedules.

A job row is inserted in the caller's transaction, so it exists if and only if the change that
asked for it committed. Workers claim a job by taking a lease (``locked_by``/``locked_until``);
a job whose lease expires without a result is claimable again, which is how work survives a
worker that crashed or was killed.
"""

from __future__ import annotations

import logging
import traceback
from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import BooleanField, F, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.db.models.functions import Least
from django.utils import timezone

from lers.jobs.models import Job, Schedule
from lers.jobs.registry import UnknownJobError, get_handler

logger = logging.getLogger("lers.jobs")

# Backoff after a failed attempt: 30 s, 1 min, 2 min, ... capped at one hour.
BACKOFF_BASE_SECONDS = 30
BACKOFF_MAX_SECONDS = 3600
# How many lines of a failure's traceback are kept in last_error (its end names the cause).
ERROR_TAIL_LINES = 30
ERROR_MAX_CHARS = 8000
# Lease of a job whose handler is no longer registered: it only has to fail cleanly.
DEFAULT_LEASE_SECONDS = 300
# How old a finished job may get before jobs_prune deletes it.
PRUNE_AFTER = timedelta(days=30)
# SQLite claims by conditional update; if another worker wins the row, try the next one.
_CLAIM_RETRIES = 5


def job_enqueue(
    *,
    name: str,
    payload: dict[str, Any] | None = None,
    run_after: datetime | None = None,
    priority: int = 0,
    key: str | None = None,
) -> Job:
    """Insert a job in the current transaction; with ``key``, at most one job per key."""
    return _job_enqueue(
        name=name, payload=payload, run_after=run_after, priority=priority, key=key
    )[0]


def _job_enqueue(
    *,
    name: str,
    payload: dict[str, Any] | None,
    run_after: datetime | None,
    priority: int,
    key: str | None,
) -> tuple[Job, bool]:
    handler = get_handler(name)  # UnknownJobError (a ValueError) for a name nobody handles
    job = Job(
        name=name,
        payload=payload or {},
        run_after=run_after or timezone.now(),
        priority=priority,
        max_attempts=handler.max_attempts,
        idempotency_key=key,
    )
    if key is None:
        job.save(force_insert=True)
        return job, True
    # Insert-then-catch rather than check-then-insert: the unique constraint is the arbiter, so
    # two transactions enqueueing the same key concurrently still make one job (on PostgreSQL
    # the second INSERT waits for the first transaction and fails once it commits). The
    # savepoint keeps the caller's transaction usable after the failed INSERT.
    try:
        with transaction.atomic():
            job.save(force_insert=True)
    except IntegrityError:
        existing = Job.objects.filter(idempotency_key=key).first()
        if existing is None:
            raise
        return existing, False
    return job, True


# The WHERE term of the partial index jobs_job_claim, written out with its literals: SQLite uses
# a partial index only when the query repeats the index's term, and an ORM filter would send
# the values as parameters, which it does not match for IN.
_IN_CLAIM_INDEX = RawSQL(
    '"jobs_job"."status" IN ({})'.format(", ".join(f"'{status}'" for status in Job.CLAIMABLE)),
    (),
    output_field=BooleanField(),
)


def _claimable(now: datetime) -> QuerySet[Job]:
    return Job.objects.filter(
        _IN_CLAIM_INDEX,
        Q(status=Job.Status.QUEUED, run_after__lte=now)
        | Q(status=Job.Status.RUNNING, locked_until__lte=now),
    ).order_by("-priority", "run_after", "id")


def _lease_seconds(name: str) -> int:
    try:
        return get_handler(name).lease_seconds
    except UnknownJobError:
        return DEFAULT_LEASE_SECONDS


def _lost_worker_error(job: Job) -> str:
    return (
        f"worker {job.locked_by or '?'} lost the job: its lease expired at "
        f"{job.locked_until.isoformat() if job.locked_until else '?'} without a result"
    )


def _claim_changes(job: Job, *, worker_id: str, now: datetime) -> dict[str, Any]:
    """The update that claims ``job``, or buries it if its last attempt killed its worker."""
    if job.status == Job.Status.RUNNING and job.attempts >= job.max_attempts:
        # Every attempt so far ended with the worker gone (crash, OOM kill): do not try again.
        return {
            "status": Job.Status.DEAD,
            "locked_by": "",
            "locked_until": None,
            "finished_at": now,
            "last_error": _lost_worker_error(job),
        }
    changes: dict[str, Any] = {
        "status": Job.Status.RUNNING,
        "attempts": F("attempts") + 1,
        "locked_by": worker_id,
        "locked_until": now + timedelta(seconds=_lease_seconds(job.name)),
    }
    if job.status == Job.Status.RUNNING:
        changes["last_error"] = _lost_worker_error(job)
    return changes


def _take(candidate: Job, *, worker_id: str, now: datetime) -> Job | None:
    """Claim ``candidate`` if it is still as we read it; None if another worker got there first.

    The conditional update is the lock: it changes the row only if no other worker has claimed
    (or finished) it since we read it, and exactly one row changing proves we won.
    """
    changes = _claim_changes(candidate, worker_id=worker_id, now=now)
    still_as_read = Job.objects.filter(
        pk=candidate.pk, status=candidate.status, attempts=candidate.attempts
    )
    if candidate.status == Job.Status.RUNNING:
        still_as_read = still_as_read.filter(locked_by=candidate.locked_by, locked_until__lte=now)
    else:
        still_as_read = still_as_read.filter(run_after__lte=now)
    if still_as_read.update(**changes) != 1:
        return None
    candidate.refresh_from_db()
    return candidate


def job_claim(*, worker_id: str, now: datetime | None = None) -> Job | None:
    """Take the most urgent runnable job for ``worker_id``, or None if there is none.

    Runnable: QUEUED and due, or RUNNING with an expired lease (its worker died). The claim
    counts an attempt and leases the job for its handler's ``lease_seconds``.
    """
    now = now or timezone.now()
    row_locks = connection.vendor == "postgresql"
    for _ in range(_CLAIM_RETRIES):
        if row_locks:
            # SKIP LOCKED: concurrent workers each take a different row instead of queueing
            # on the same one; the row lock is held until the claim commits.
            with transaction.atomic():
                candidate = _claimable(now).select_for_update(skip_locked=True).first()
                taken = (
                    None if candidate is None else _take(candidate, worker_id=worker_id, now=now)
                )
        else:
            # SQLite has no row locks, and a transaction would take the database's write lock on
            # every idle poll: read a candidate, then claim it by conditional update.
            candidate = _claimable(now).first()
            taken = None if candidate is None else _take(candidate, worker_id=worker_id, now=now)
        if candidate is None:
            return None
        if taken is None:
            continue  # another worker claimed it between our read and our update
        if taken.status == Job.Status.DEAD:
            logger.error("job %s buried: %s", taken, taken.last_error)
            continue
        return taken
    return None  # lost every race this round; the caller polls again


def job_backoff(attempts: int) -> timedelta:
    """The wait before retrying a job that has failed ``attempts`` times."""
    seconds = BACKOFF_BASE_SECONDS * 2 ** max(attempts - 1, 0)
    return timedelta(seconds=min(seconds, BACKOFF_MAX_SECONDS))


def _error_text(exc: BaseException) -> str:
    lines = "".join(traceback.format_exception(exc)).splitlines()
    return "\n".join(lines[-ERROR_TAIL_LINES:])[-ERROR_MAX_CHARS:]


def job_run(job: Job, *, worker_id: str) -> None:
    """Run a claimed job's handler and record the outcome, if ``worker_id`` still holds it.

    The handler runs in autocommit (outside the claim's transaction), so its own writes commit
    as it makes them and a slow handler holds no lock on the job table. The outcome is written
    only while the job is still leased to this worker and attempt: a worker whose lease expired
    and was taken over cannot overwrite the new holder's result.
    """
    error: str | None = None
    try:
        get_handler(job.name)(job.payload)
    except Exception as exc:
        error = _error_text(exc)

    now = timezone.now()
    held = Job.objects.filter(
        pk=job.pk, status=Job.Status.RUNNING, locked_by=worker_id, attempts=job.attempts
    )
    unlock: dict[str, Any] = {"locked_by": "", "locked_until": None}
    if error is None:
        outcome = Job.Status.DONE
        # last_error stays: the failures before this success are worth seeing.
        changes = {**unlock, "status": outcome, "finished_at": now}
    elif job.attempts >= job.max_attempts:
        outcome = Job.Status.DEAD
        changes = {**unlock, "status": outcome, "finished_at": now, "last_error": error}
    else:
        outcome = Job.Status.QUEUED
        changes = {
            **unlock,
            "status": outcome,
            "run_after": now + job_backoff(job.attempts),
            "last_error": error,
        }
    if held.update(**changes) != 1:
        logger.warning(
            "job %s: worker %s no longer holds it (lease expired and taken over); "
            "its result (%s) is discarded",
            job,
            worker_id,
            outcome,
        )
        return
    for field, value in changes.items():
        setattr(job, field, value)
    if outcome == Job.Status.DONE:
        logger.info("job %s done (attempt %d)", job, job.attempts)
    elif outcome == Job.Status.DEAD:
        logger.error(
            "job %s dead after %d attempts: %s", job, job.attempts, error and error.splitlines()[-1]
        )
    else:
        logger.warning(
            "job %s failed (attempt %d of %d), retry at %s: %s",
            job,
            job.attempts,
            job.max_attempts,
            changes["run_after"].isoformat(),
            error and error.splitlines()[-1],
        )


def jobs_prune(*, now: datetime | None = None) -> int:
    """Delete jobs finished DONE more than PRUNE_AFTER ago; DEAD jobs stay for inspection."""
    cutoff = (now or timezone.now()) - PRUNE_AFTER
    deleted, _ = Job.objects.filter(status=Job.Status.DONE, finished_at__lt=cutoff).delete()
    return deleted


def schedules_sync(periodic: dict[str, int], *, now: datetime | None = None) -> None:
    """Make a Schedule row for each periodic job (name → interval seconds).

    A new schedule is due at once. A changed interval takes effect from now: the next run
    moves earlier if the new interval says so, never later.
    """
    now = now or timezone.now()
    for name, seconds in periodic.items():
        get_handler(name)  # fail at start-up, not at the first tick, for an unknown name
        schedule, created = Schedule.objects.get_or_create(
            name=name, defaults={"interval_seconds": seconds, "next_run_at": now}
        )
        if not created and schedule.interval_seconds != seconds:
            Schedule.objects.filter(pk=schedule.pk).update(
                interval_seconds=seconds,
                next_run_at=Least(F("next_run_at"), now + timedelta(seconds=seconds)),
            )


def _next_tick(next_run_at: datetime, interval: timedelta, now: datetime) -> datetime:
    # The first tick after now on the schedule's grid: missed ticks (the worker was down) are
    # skipped, not replayed one after another.
    missed = (now - next_run_at) // interval
    return next_run_at + (missed + 1) * interval


def schedules_enqueue_due(*, now: datetime | None = None) -> int:
    """Enqueue one job for every schedule that is due; return how many jobs were enqueued.

    The job's idempotency key names the schedule and the tick, so two workers that see the same
    tick make one job between them.
    """
    now = now or timezone.now()
    enqueued = 0
    for schedule in Schedule.objects.filter(next_run_at__lte=now).order_by("next_run_at"):
        tick = schedule.next_run_at
        interval = timedelta(seconds=schedule.interval_seconds)
        with transaction.atomic():
            try:
                _, created = _job_enqueue(
                    name=schedule.name,
                    payload={},
                    run_after=None,
                    priority=0,
                    key=f"{schedule.name}@{tick.isoformat()}",
                )
            except UnknownJobError:
                logger.error("schedule %s: no handler registered, tick skipped", schedule.name)
                created = False
            Schedule.objects.filter(pk=schedule.pk, next_run_at=tick).update(
                next_run_at=_next_tick(tick, interval, now), last_run_at=now
            )
        enqueued += created
    return enqueued
