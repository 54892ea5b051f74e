"""Jobs of the actions app: delivering actions, deleting expired evidence, the expiry sweeps."""

from typing import Any

from lers.actions.services.deliveries import DELIVER_JOB, MAX_ATTEMPTS, delivery_run
from lers.actions.services.freezes import freezes_sweep
from lers.actions.services.holds import DELETE_COPY_JOB, hold_delete_copy, holds_sweep
from lers.actions.services.notices import notices_sweep
from lers.jobs.periodic import register_periodic
from lers.jobs.registry import job

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
    freezes_sweep()
    holds_sweep()
    notices_sweep()


register_periodic(SWEEP_JOB, SWEEP_EVERY_SECONDS)
