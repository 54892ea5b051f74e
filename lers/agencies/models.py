from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Agency(models.Model):
    """A law-enforcement agency or government body that officers act for."""

    class Kind(models.TextChoices):
        POLICE = "police", _("Police")
        PROSECUTOR = "prosecutor", _("Prosecutor")
        COURT = "court", _("Court")
        REGULATOR = "regulator", _("Regulator")
        TAX = "tax", _("Tax authority")
        OTHER = "other", _("Other government body")

    name = models.CharField(max_length=300)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.POLICE)
    country = models.CharField(max_length=2, help_text="ISO 3166-1 alpha-2")
    # The agency directory's own contacts: call-backs use these, never the request's.
    email_domains = models.JSONField(default=list, blank=True)
    switchboard_phone = models.CharField(max_length=32, blank=True, help_text="E.164")
    address = models.TextField(blank=True)
    # The agency's age public key (age1…), registered by its administrator: productions are
    # encrypted to it instead of to a passphrase sent by email.
    age_recipient = models.CharField(max_length=100, blank=True)
    age_recipient_set_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "agencies"
        constraints = [
            models.UniqueConstraint(fields=["name", "country"], name="agency_name_country"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.country})"


class Officer(models.Model):
    """An officer's standing with lers: which agency they act for and whether they may."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Access requested")
        ACTIVE = "active", _("Active")
        SUSPENDED = "suspended", _("Suspended")
        REFUSED = "refused", _("Access refused")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="officer"
    )
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="officers")
    title = models.CharField(max_length=200, blank=True)
    badge_number = models.CharField(max_length=100, blank=True)
    office_phone = models.CharField(max_length=32, blank=True, help_text="E.164")
    mobile_phone = models.CharField(max_length=32, blank=True, help_text="E.164")
    supervisor_name = models.CharField(max_length=200, blank=True)
    supervisor_email = models.EmailField(blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    # Agency admins see every case of the agency, not only the ones they are on.
    is_agency_admin = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.user} — {self.agency.name}"


class GovernmentDomain(models.Model):
    """An administrator's change to the shipped government-domain registry: an addition, or
    (``active=False``) the withdrawal of a shipped entry."""

    class Kind(models.TextChoices):
        SUFFIX = "suffix", _("Suffix (every domain under it)")
        DOMAIN = "domain", _("Domain (and its subdomains)")

    value = models.CharField(max_length=253, unique=True)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    country = models.CharField(max_length=3)
    note = models.CharField(max_length=300, blank=True)
    active = models.BooleanField(default=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    changed_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return self.value if self.active else f"{self.value} (withdrawn)"


class AccessRequest(models.Model):
    """An officer asking for an account (BN-02, HX-03, JU-07): reviewed by staff on a clock."""

    class Status(models.TextChoices):
        EMAIL_UNVERIFIED = "email_unverified", _("Waiting for the email code")
        SUBMITTED = "submitted", _("Waiting for review")
        APPROVED = "approved", _("Approved")
        REFUSED = "refused", _("Refused")

    OPEN = (Status.EMAIL_UNVERIFIED, Status.SUBMITTED)

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="access_request"
    )
    agency_name = models.CharField(max_length=300)
    country = models.CharField(max_length=2)
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, null=True, blank=True, related_name="access_requests"
    )
    title = models.CharField(max_length=200)
    badge_number = models.CharField(max_length=100, blank=True)
    office_phone = models.CharField(max_length=32, help_text="E.164")
    mobile_phone = models.CharField(max_length=32, blank=True, help_text="E.164")
    supervisor_name = models.CharField(max_length=200)
    supervisor_email = models.EmailField()
    # The registry's verdict on the email domain when the request was made.
    domain_status = models.CharField(max_length=20, blank=True)
    domain_reason = models.CharField(max_length=300, blank=True)
    # The capacity the requester named; the profile serves some (JU-02, HX-01, BN-01).
    requester_kind = models.CharField(max_length=30, blank=True)
    # Why the profile holds the request for a person (``lers.agencies.served``), each
    # {"code", "reason"}: approving it takes a note saying why the hold is cleared.
    served_holds = models.JSONField(default=list, blank=True)
    served_hold_note = models.TextField(blank=True)
    # The version (SHA-256) of the exchange's terms the requester acknowledged, and when (HX-15).
    terms_version = models.CharField(max_length=64, blank=True)
    terms_acknowledged_at = models.DateTimeField(null=True, blank=True)
    email_code_hash = models.CharField(max_length=64, blank=True)
    email_code_expires_at = models.DateTimeField(null=True, blank=True)
    email_code_attempts = models.PositiveSmallIntegerField(default=0)
    email_verified_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.EMAIL_UNVERIFIED
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    due_at = models.DateTimeField(null=True, blank=True)
    overdue_notified = models.BooleanField(default=False)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    refusal_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [
            # the staff queue: open requests by due time
            models.Index(fields=["status", "due_at"], name="access_queue"),
        ]

    def __str__(self) -> str:
        return f"{self.user.email} ({self.agency_name})"


def _proof_path(instance: AccessProof, filename: str) -> str:
    return f"access/{instance.access_request_id}/{instance.sha256}"


class AccessProof(models.Model):
    """Proof of authority attached to an access request: a badge photo, an authorisation letter."""

    access_request = models.ForeignKey(
        AccessRequest, on_delete=models.CASCADE, related_name="proofs"
    )
    doc_type = models.CharField(max_length=50)
    file = models.FileField(upload_to=_proof_path, max_length=300)
    original_name = models.CharField(max_length=300)
    content_type = models.CharField(max_length=200)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.doc_type}: {self.original_name}"


class OfficerFlag(models.Model):
    """Staff's warning on an officer (X-05): a forged request, a compromised mailbox, a refusal
    to be called back. Every later case of the officer shows it."""

    officer = models.ForeignKey(Officer, on_delete=models.PROTECT, related_name="flags")
    reason = models.TextField()
    flagged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    flagged_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.officer}: {self.reason[:40]}"
