"""Jobs of the core app: sending mail, and signing the audit trail's checkpoint on a schedule
(written to LERS_AUDIT_CHECKPOINT_DIR and emailed to LERS_AUDIT_CHECKPOINT_EMAIL)."""

from typing import Any

from django.conf import settings

from lers.audit.checkpoints import checkpoint_make
from lers.core.mail import mail_enqueue, mail_send
from lers.jobs.periodic import register_periodic
from lers.jobs.registry import job

CHECKPOINT_JOB = "audit.checkpoint"


@job("mail.send", max_attempts=8)
def send_mail_job(payload: dict[str, Any]) -> None:
    mail_send(payload)


@job(CHECKPOINT_JOB, max_attempts=1)
def checkpoint(payload: dict[str, Any]) -> None:
    """A signed checkpoint, kept in two places the database's owner does not control: the
    checkpoint directory, and the auditors' mailbox."""
    path = checkpoint_make()
    if settings.LERS_AUDIT_CHECKPOINT_EMAIL:
        mail_enqueue(
            to=list(settings.LERS_AUDIT_CHECKPOINT_EMAIL),
            template="audit_checkpoint",
            context={"note": path.read_text(encoding="utf-8"), "file": path.name},
        )


if settings.LERS_AUDIT_SIGNING_KEY and settings.LERS_AUDIT_CHECKPOINT_MINUTES:
    register_periodic(CHECKPOINT_JOB, settings.LERS_AUDIT_CHECKPOINT_MINUTES * 60)
