from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from lers.cases.models import Case


class Production(models.Model):
    """A disclosure package (X-08): built from the approved scope in the worker, released by
    a second person, downloaded by the agency within the policy's window, then expired."""

    class State(models.TextChoices):
        BUILDING = "building", _("Building")
        READY = "ready", _("Ready for release")
        RELEASED = "released", _("Released to the agency")
        DOWNLOADED = "downloaded", _("Downloaded")
        EXPIRED = "expired", _("Expired")
        FAILED = "failed", _("Failed")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="productions")
    state = models.CharField(max_length=12, choices=State.choices, default=State.BUILDING)
    # Progress of the build, for the pages: the stage and the rows written of those expected.
    stage = models.CharField(max_length=40, blank=True)
    rows_done = models.PositiveBigIntegerField(default=0)
    rows_total = models.PositiveBigIntegerField(default=0)
    # What the package holds: the scope it was built from, its files and their hashes.
    manifest = models.JSONField(default=dict, blank=True)
    archive = models.CharField(max_length=300, blank=True)  # storage name of the encrypted zip
    archive_sha256 = models.CharField(max_length=64, blank=True)
    archive_bytes = models.PositiveBigIntegerField(default=0)
    # The archive's passphrase, sealed with the deployment's key until the release sends it
    # to the officers by email (a channel apart from the portal download); then erased.
    passphrase_sealed = models.TextField(blank=True)
    # The agency's age key the archive is encrypted to, when it registered one; empty: an
    # AES-256 zip whose passphrase is emailed apart.
    age_recipient = models.CharField(max_length=100, blank=True)
    error = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    built_at = models.DateTimeField(null=True, blank=True)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    released_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    downloads = models.PositiveIntegerField(default=0)
    first_downloaded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-pk"]
        indexes = [models.Index(fields=["state", "expires_at"], name="production_expiry")]

    def __str__(self) -> str:
        return f"{self.case} production {self.pk} ({self.state})"

    @property
    def percent(self) -> int:
        if self.state != self.State.BUILDING:
            return 100
        if not self.rows_total:
            return 0
        return min(99, int(100 * self.rows_done / self.rows_total))

    @property
    def archive_suffix(self) -> str:
        """A zip, or a zip encrypted with age."""
        return ".zip.age" if self.age_recipient else ".zip"

    @property
    def archive_content_type(self) -> str:
        return "application/octet-stream" if self.age_recipient else "application/zip"

    def download_name(self) -> str:
        return f"{self.case.reference}-production-{self.pk}{self.archive_suffix}"
