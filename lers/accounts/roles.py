"""The one place that says which roles a user holds."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser

from lers.accounts.models import Role, User


def roles_of(user: User | AnonymousUser) -> frozenset[Role]:
    """Officers are users with an officer profile; staff roles are explicit grants."""
    if not user.is_authenticated:
        return frozenset()
    cached = getattr(user, "_lers_roles", None)
    if cached is not None:
        return cached
    roles = {Role(grant.role) for grant in user.role_grants.all()}
    if hasattr(user, "officer"):
        roles.add(Role.OFFICER)
    result = frozenset(roles)
    user._lers_roles = result  # type: ignore[union-attr]
    return result


def has_role(user: User | AnonymousUser, *roles: Role) -> bool:
    return bool(roles_of(user).intersection(roles))


def is_staff_member(user: User | AnonymousUser) -> bool:
    return bool(roles_of(user) - {Role.OFFICER})


def forget_roles(user: User) -> None:
    """Drop the per-request cache after grants change."""
    if hasattr(user, "_lers_roles"):
        del user._lers_roles
