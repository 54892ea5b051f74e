"""The worker signs a checkpoint of the audit trail every LERS_AUDIT_CHECKPOINT_MINUTES, when
a signing key is set (LERS_AUDIT_SIGNING_KEY)."""

from typing import Any

from django.conf import settings

from lers.audit.checkpoints import checkpoint_make
from lers.jobs.periodic import register_periodic
from lers.jobs.registry import job

CHECKPOINT_JOB = "audit.checkpoint"


@job(CHECKPOINT_JOB, max_attempts=1)
def checkpoint(payload: dict[str, Any]) -> None:
    checkpoint_make()


if settings.LERS_AUDIT_SIGNING_KEY and settings.LERS_AUDIT_CHECKPOINT_MINUTES:
    register_periodic(CHECKPOINT_JOB, settings.LERS_AUDIT_CHECKPOINT_MINUTES * 60)
