"""Jobs of the cases app: the periodic deadline sweep (X-06) and the sweep of case files no
document points at."""

from typing import Any

from lers.cases.deadlines import deadlines_sweep
from lers.cases.services.documents import documents_sweep_orphans
from lers.jobs.periodic import register_periodic
from lers.jobs.registry import job

SWEEP_EVERY_SECONDS = 300


@job("deadlines.sweep", max_attempts=3)
def sweep_deadlines(payload: dict[str, Any]) -> None:
    deadlines_sweep()


register_periodic("deadlines.sweep", SWEEP_EVERY_SECONDS)


@job("documents.sweep_orphans", max_attempts=3)
def sweep_orphans(payload: dict[str, Any]) -> None:
    documents_sweep_orphans()


register_periodic("documents.sweep_orphans", 6 * 60 * 60)
