"""The worker polls the law-enforcement mailbox when LERS_IMAP_POLL_SECONDS is set."""

from typing import Any

from django.conf import settings

from lers.intake.imap import imap_poll
from lers.jobs.periodic import register_periodic
from lers.jobs.registry import job

POLL_JOB = "intake.imap_poll"


@job(POLL_JOB, max_attempts=1)
def poll(payload: dict[str, Any]) -> None:
    imap_poll()


if settings.LERS_IMAP_HOST and settings.LERS_IMAP_POLL_SECONDS:
    register_periodic(POLL_JOB, settings.LERS_IMAP_POLL_SECONDS)
