from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone


class Job(models.Model):
    """One unit of background work, written in the transaction of the change that asked for it."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        DEAD = "dead", "Dead"

    # The states a worker may claim from: QUEUED when due, RUNNING when its lease has expired.
    CLAIMABLE = (Status.QUEUED, Status.RUNNING)
    TERMINAL = (Status.DONE, Status.DEAD)

    name = models.CharField(max_length=100)
    payload = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    # Higher runs first.
    priority = models.IntegerField(default=0)
    run_after = models.DateTimeField(default=timezone.now)
    attempts = models.PositiveIntegerField(default=0)
    max_attempts = models.PositiveIntegerField(default=5)
    locked_by = models.CharField(max_length=200, blank=True)
    locked_until = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    idempotency_key = models.CharField(max_length=255, null=True, blank=True, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            # The claim query of services.job_claim (services._claimable): WHERE status IN
            # ('queued', 'running') AND (queued and run_after <= now OR running and
            # locked_until <= now) ORDER BY priority DESC, run_after, id LIMIT 1. Partial, so
            # finished jobs (the bulk of the table) are not in it and the ordered scan stops at
            # the first match. The condition must stay equal to services._IN_CLAIM_INDEX.
            models.Index(
                fields=["-priority", "run_after", "id"],
                condition=Q(status__in=["queued", "running"]),
                name="jobs_job_claim",
            ),
            # jobs_prune: DELETE ... WHERE status = 'done' AND finished_at < cutoff.
            models.Index(
                fields=["finished_at"],
                condition=Q(status="done"),
                name="jobs_job_prune",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} #{self.pk} ({self.status})"


class Schedule(models.Model):
    """A periodic job and the next time it is due."""

    name = models.CharField(max_length=100, unique=True)
    interval_seconds = models.PositiveIntegerField()
    next_run_at = models.DateTimeField()
    last_run_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.name} every {self.interval_seconds}s"
