from __future__ import annotations

from django.db import models


class AuditEvent(models.Model):
    """One link of the append-only, hash-chained audit trail (X-07)."""

    seq = models.BigIntegerField(unique=True)
    occurred_at = models.DateTimeField()
    actor_id = models.BigIntegerField(null=True, blank=True)
    actor_label = models.CharField(max_length=200)
    action = models.CharField(max_length=100)
    object_type = models.CharField(max_length=100, blank=True)
    object_id = models.CharField(max_length=100, blank=True)
    # The case this event belongs to, so a case's timeline is one indexed query.
    case_ref = models.CharField(max_length=40, blank=True, db_index=True)
    payload = models.JSONField(default=dict)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["seq"]
        indexes = [
            # "everything this person did", for auditors
            models.Index(fields=["actor_id", "seq"], name="audit_actor_seq"),
            models.Index(fields=["object_type", "object_id"], name="audit_object"),
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} by {self.actor_label}"


class AuditHead(models.Model):
    """The chain's tip: locked to append one event at a time; lets verify see a cut-off tail."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    seq = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64)

    def __str__(self) -> str:
        return f"audit head #{self.seq}"
