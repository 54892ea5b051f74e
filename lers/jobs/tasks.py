"""Jobs of the jobs app itself."""

from __future__ import annotations

import logging
from typing import Any

from lers.jobs.periodic import register_periodic
from lers.jobs.registry import job
from lers.jobs.services import jobs_prune

logger = logging.getLogger("lers.jobs")


@job("jobs.prune")
def prune_job(payload: dict[str, Any]) -> None:
    deleted = jobs_prune()
    logger.info("jobs.prune: deleted %d finished jobs", deleted)


register_periodic("jobs.prune", 24 * 60 * 60)
