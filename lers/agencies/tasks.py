"""Jobs of the agencies app: the access-review clock (BN-02)."""

from typing import Any

from lers.agencies.services import access_requests_sweep
from lers.jobs.periodic import register_periodic
from lers.jobs.registry import job

SWEEP_EVERY_SECONDS = 900


@job("access.sweep", max_attempts=3)
def sweep_access_requests(payload: dict[str, Any]) -> None:
    access_requests_sweep()


register_periodic("access.sweep", SWEEP_EVERY_SECONDS)
