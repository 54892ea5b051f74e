"""Jobs of the actions app: delivering actions, deleting expired evidence, the expiry sweeps."""

import logging
from typing import Any

from lers.actions.services.deliveries import (
    DELIVER_JOB,
    MAX_ATTEMPTS,
    deliveries_reconcile,
    delivery_run,
)
from lers.actions.services.freezes import freezes_sweep
from lers.actions.services.holds import DELETE_COPY_JOB, hold_delete_copy, holds_sweep
from lers.actions.services.notices import notices_sweep
from lers.jobs.periodic import register_periodic
from lers.jobs.registry import job

logger = logging.getLogger("lers.actions")
SWEEP_JOB = "actions.sweep"
SWEEP_EVERY_SECONDS = 600


# The lease outlasts the webhook's timeout; a worker that dies mid-delivery is replaced after it.
@job(DELIVER_JOB, max_attempts=MAX_ATTEMPTS, lease_seconds=120)
def deliver(payload: dict[str, Any]) -> None:
    delivery_run(int(payload["delivery"]))


@job(DELETE_COPY_JOB, max_attempts=5)
def delete_copy(payload: dict[str, Any]) -> None:
    hold_delete_copy(int(payload["hold"]))


@job(SWEEP_JOB, max_attempts=3)
def sweep(payload: dict[str, Any]) -> None:
    """Each sweep runs even if another fails; the job fails (and is retried) if any did."""
    failed = []
    for one in (deliveries_reconcile, freezes_sweep, holds_sweep, notices_sweep):
        try:
            one()
        except Exception:
            logger.exception("%s failed", one.__name__)
            failed.append(one.__name__)
    if failed:
        raise RuntimeError(f"sweeps failed: {', '.join(failed)}")


register_periodic(SWEEP_JOB, SWEEP_EVERY_SECONDS)
