"""Staff accounts and their roles."""

from __future__ import annotations

from django.db import transaction

from lers.accounts.models import STAFF_ROLES, Role, RoleGrant, User
from lers.accounts.roles import forget_roles
from lers.audit.services import audit_record
from lers.core.errors import DomainError


def role_grant(*, user: User, role: Role, by: User | None) -> RoleGrant:
    if role not in STAFF_ROLES:
        raise DomainError(f"{role.label} is not a staff role; officers join through an agency")
    with transaction.atomic():
        grant, created = RoleGrant.objects.get_or_create(user=user, role=role.value)
        if created:
            audit_record(actor=by, action="role.granted", obj=user, payload={"role": role.value})
    forget_roles(user)
    return grant


def role_revoke(*, user: User, role: Role, by: User | None) -> None:
    with transaction.atomic():
        deleted, _ = RoleGrant.objects.filter(user=user, role=role.value).delete()
        if deleted:
            audit_record(actor=by, action="role.revoked", obj=user, payload={"role": role.value})
    forget_roles(user)
