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
