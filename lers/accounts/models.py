from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models


class Role(models.TextChoices):
    """Who does what in lers (DESIGN.md, "People and systems")."""

    OFFICER = "officer", "Officer"
    INTAKE_ANALYST = "intake_analyst", "Intake analyst"
    LEGAL_REVIEWER = "legal_reviewer", "Legal reviewer"
    APPROVER = "approver", "Approver"
    OPERATOR = "operator", "Operator"
    AUDITOR = "auditor", "Auditor"
    ADMIN = "admin", "Administrator"


STAFF_ROLES = frozenset(Role) - {Role.OFFICER}


class User(AbstractUser):
    """A person who signs in: an officer of an agency, or a member of the exchange's staff."""

    display_name = models.CharField(max_length=200, blank=True)
    preferred_language = models.CharField(max_length=10, default="en")

    def __str__(self) -> str:
        return self.display_name or self.get_full_name() or self.username


class RoleGrant(models.Model):
    """One staff role held by a user; a user may hold several (an analyst who also reviews)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_grants")
    role = models.CharField(
        max_length=32, choices=[(r.value, r.label) for r in Role if r in STAFF_ROLES]
    )
    granted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "role"], name="role_grant_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} as {self.role}"


class ApiToken(models.Model):
    """A personal API token (X-11): acts as its owner, within its scopes, until it expires or
    is revoked. Only a hash of the secret is kept; the token is shown once, when made."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    # The public half of the token (``lers_<key_id>_<secret>``): finds the row.
    key_id = models.CharField(max_length=16, unique=True)
    secret_sha256 = models.CharField(max_length=64)
    scopes = models.JSONField(default=list)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.name} ({self.key_id})"


class PendingTotpSecret(models.Model):
    """The authenticator secret a person is shown while setting up their first TOTP factor.

    Kept for the account, not the page load: a second tab, a favicon request or a browser
    reopened mid-enrolment shows the same QR code the phone may already hold (X-01). Encrypted
    as allauth keeps an active factor's secret; deleted once the factor is active.
    """

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="pending_totp")
    secret = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"TOTP being set up by {self.user}"
