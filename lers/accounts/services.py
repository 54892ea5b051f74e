"""Staff accounts and their roles."""

from __future__ import annotations

from django.db import transaction
from django.http import HttpRequest

from lers.accounts.models import STAFF_ROLES, Role, RoleGrant, User
from lers.accounts.roles import forget_roles, roles_of
from lers.audit.services import audit_record
from lers.core.errors import DomainError, NotPermitted


def _require_admin(by: User | None) -> None:
    """``by=None`` is lers itself (set-up commands); a person needs the administrator role."""
    if by is not None and Role.ADMIN not in roles_of(by):
        raise NotPermitted("only an administrator changes roles")


def role_grant(*, user: User, role: Role, by: User | None) -> RoleGrant:
    _require_admin(by)
    if role not in STAFF_ROLES:
        raise DomainError(f"{role.label} is not a staff role; officers join through an agency")
    if hasattr(user, "officer"):
        # Staff roles see every agency's cases: an officer account never holds one.
        raise DomainError("an officer's account cannot hold a staff role")
    with transaction.atomic():
        grant, created = RoleGrant.objects.get_or_create(user=user, role=role.value)
        if created:
            audit_record(actor=by, action="role.granted", obj=user, payload={"role": role.value})
    forget_roles(user)
    return grant


def role_revoke(*, user: User, role: Role, by: User | None) -> None:
    _require_admin(by)
    with transaction.atomic():
        deleted, _ = RoleGrant.objects.filter(user=user, role=role.value).delete()
        if deleted:
            audit_record(actor=by, action="role.revoked", obj=user, payload={"role": role.value})
    forget_roles(user)


def sign_in_after_access_request(request: HttpRequest, user: User) -> None:
    """Sign in the person who has just proven the mailbox of the access request they made in
    this browser session, with the password they chose there: the guided set-up goes on to
    the second factor without a second sign-in. The sign-in is recorded as a password one
    (allauth's record), which lets the first factor's recovery codes show without asking for
    the password again (``LersAccountAdapter.is_reauthentication_required``)."""
    from allauth.account.internal.flows.login import perform_login, record_authentication
    from allauth.account.models import Login

    from lers.accounts.adapter import QUIET_SIGN_IN

    setattr(request, QUIET_SIGN_IN, True)
    perform_login(request, Login(user=user, email_verification="none", signup=True))
    record_authentication(request, user, method="password", via="access_request")
