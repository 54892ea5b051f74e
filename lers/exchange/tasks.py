"""The worker refreshes lers's index of the exchange's KYC names every
LERS_NAME_INDEX_REFRESH_SECONDS (0: only ``lers names index`` does)."""

from typing import Any

from django.conf import settings

from lers.exchange.active import active_digest, active_source
from lers.exchange.name_index import names_refresh
from lers.jobs.periodic import register_periodic
from lers.jobs.registry import job

REFRESH_JOB = "names.refresh"


@job(REFRESH_JOB, max_attempts=1)
def refresh(payload: dict[str, Any]) -> None:
    names_refresh(active_source(), digest=active_digest())


if settings.LERS_NAME_INDEX_REFRESH_SECONDS:
    register_periodic(REFRESH_JOB, settings.LERS_NAME_INDEX_REFRESH_SECONDS)
