"""Jobs of the productions app: building a package, deleting an archive, the expiry sweep."""

from typing import Any

from lers.jobs.periodic import register_periodic
from lers.jobs.registry import job
from lers.productions.services import (
    BUILD_JOB,
    DELETE_JOB,
    PASSPHRASE_JOB,
    production_build,
    production_delete_archive,
    production_send_passphrase,
    productions_sweep,
)

SWEEP_JOB = "productions.sweep"
SWEEP_EVERY_SECONDS = 900


# A package of a million rows takes minutes; the lease outlasts the longest build.
@job(BUILD_JOB, max_attempts=2, lease_seconds=3600)
def build(payload: dict[str, Any]) -> None:
    production_build(int(payload["production"]))


@job(PASSPHRASE_JOB, max_attempts=8)
def passphrase(payload: dict[str, Any]) -> None:
    production_send_passphrase(int(payload["production"]))


@job(DELETE_JOB, max_attempts=5)
def delete(payload: dict[str, Any]) -> None:
    production_delete_archive(int(payload["production"]))


@job(SWEEP_JOB, max_attempts=3)
def sweep(payload: dict[str, Any]) -> None:
    productions_sweep()


register_periodic(SWEEP_JOB, SWEEP_EVERY_SECONDS)
