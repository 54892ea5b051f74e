"""Jobs of the core app."""

from typing import Any

from lers.core.mail import mail_send
from lers.jobs.registry import job


@job("mail.send", max_attempts=8)
def send_mail_job(payload: dict[str, Any]) -> None:
    mail_send(payload)
