"""The API's periodic job: forgetting Idempotency-Keys older than their window."""

import logging
from typing import Any

from lers.api.idempotency import idempotency_prune
from lers.jobs.periodic import register_periodic
from lers.jobs.registry import job

logger = logging.getLogger("lers.api")
PRUNE_JOB = "api.idempotency_prune"


@job(PRUNE_JOB)
def prune(payload: dict[str, Any]) -> None:
    logger.info("%s: forgot %d keys", PRUNE_JOB, idempotency_prune())


register_periodic(PRUNE_JOB, 60 * 60)
