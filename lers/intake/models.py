from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


def _raw_path(instance: IntakeMessage, filename: str) -> str:
    return f"intake/{instance.sha256}.eml"


class IntakeMessage(models.Model):
    """One message to the law-enforcement mailbox (JU-03), taken exactly once, kept raw
    (hashed) as evidence, with what the checks found. Nothing is dropped: a message lers
    cannot act on waits in the intake queue with the reason."""

    class Status(models.TextChoices):
        ACCEPTED = "accepted", _("Accepted")
        QUEUED = "queued", _("Waiting for a person")
        DONE = "done", _("Case created or handled")

    class WaitsFor(models.TextChoices):
        NOTHING = "", _("Nothing")
        # JU-03/JU-04: a sender who is not a registered officer, under a profile that verifies
        # by telephone: no case until staff record the call to the agency's directory number.
        TELEPHONE = "telephone_verification", _("Telephone verification needed")

    class Dkim(models.TextChoices):
        PASS = "pass", _("Valid signature")
        FAIL = "fail", _("Broken signature")
        NONE = "none", _("Not signed")

    message_id = models.CharField(max_length=998, unique=True)
    sha256 = models.CharField(max_length=64, unique=True)
    raw = models.FileField(upload_to=_raw_path, max_length=300)
    size = models.PositiveBigIntegerField()
    source = models.CharField(max_length=20)  # "file" or "imap"
    from_address = models.CharField(max_length=320, blank=True)
    from_domain = models.CharField(max_length=253, blank=True)
    subject = models.TextField(blank=True)
    dkim = models.CharField(max_length=10, choices=Dkim.choices)
    dkim_domain = models.CharField(max_length=253, blank=True)
    dkim_reason = models.CharField(max_length=300, blank=True)
    # The government-domain registry's verdict on the From domain.
    domain_status = models.CharField(max_length=20, blank=True)
    domain_reason = models.CharField(max_length=300, blank=True)
    aligned = models.BooleanField(default=False)  # From domain is (under) the DKIM domain
    parsed = models.JSONField(default=dict, blank=True)  # the subject grammar's fields
    # name, type, size, sha256, and what the intake judged it (lers.intake.judge): content,
    # refusal reason, document type and what decided it.
    attachments = models.JSONField(default=list, blank=True)
    # The identifiers found in the body and the attachments' text, before any case exists.
    identifiers = models.JSONField(default=list, blank=True)
    waits_for = models.CharField(
        max_length=30, choices=WaitsFor.choices, default=WaitsFor.NOTHING, blank=True
    )
    status = models.CharField(max_length=10, choices=Status.choices)
    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reasons = models.JSONField(default=list, blank=True)
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-received_at", "-pk"]
        indexes = [models.Index(fields=["status", "received_at"], name="intake_queue")]

    def __str__(self) -> str:
        return f"{self.message_id} ({self.status})"


class MailboxCursor(models.Model):
    """How far lers has read one IMAP mailbox: the last UID it took under the mailbox's
    UIDVALIDITY. A message is taken once because the cursor moves past it only after it is
    stored, and a message fetched again after a crash is known by its Message-ID."""

    mailbox = models.CharField(max_length=500, unique=True)  # user@host:port/mailbox
    uidvalidity = models.PositiveBigIntegerField()
    last_uid = models.PositiveBigIntegerField(default=0)
    polled_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.mailbox} @ {self.uidvalidity}:{self.last_uid}"
