"""Personal API tokens (X-11): made by their owner with a current second-factor code, scoped,
expiring, revocable, every change on the record.

A token is ``lers_<key_id>_<secret>``: the key id finds the row, the secret (256 random bits)
is compared by its SHA-256 in constant time. The secret is never stored and shown only once.
An officer's token reads and writes what the officer may in the portal; a member of staff's
what they may in the workbench; the scopes narrow that, never widen it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass

from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lers.accounts.models import STAFF_ROLES, ApiToken, User
from lers.accounts.roles import roles_of
from lers.audit.services import audit_record
from lers.core.errors import DomainError, NotFound, NotPermitted

PREFIX = "lers_"
# What an officer's token may be allowed to do, and a member of staff's.
OFFICER_SCOPES = ("requests:read", "requests:write", "productions:download")
STAFF_SCOPES = ("cases:read", "cases:decide")
SCOPE_LABELS: dict[str, Promise] = {
    "requests:read": gettext_lazy("Read the agency's requests, messages and productions"),
    "requests:write": gettext_lazy(
        "Create and submit requests, add targets and documents, answer, write, withdraw"
    ),
    "productions:download": gettext_lazy("Download released productions"),
    "cases:read": gettext_lazy("List and read the cases you may read"),
    "cases:decide": gettext_lazy("Record decisions on your cases (approve, decline, ask)"),
}
# The last use is written at most this often (a token in a loop does not write every call).
LAST_USED_EVERY = dt.timedelta(minutes=1)


def scopes_for(user: User) -> tuple[str, ...]:
    """The scopes ``user`` may put on a token: by what they are, officer or staff."""
    officer = getattr(user, "officer", None)
    if officer is not None and officer.status == officer.Status.ACTIVE:
        return OFFICER_SCOPES
    if roles_of(user) & STAFF_ROLES:
        return STAFF_SCOPES
    return ()


@dataclass(frozen=True)
class NewToken:
    token: ApiToken
    secret: str  # the whole token, to show once


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _second_factor_ok(user: User, code: str) -> bool:
    code = "".join(code.split())
    authenticator = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
    return authenticator is not None and TOTP(authenticator).validate_code(code)


# Wrong second-factor codes one person may type before making tokens waits a while.
CODE_TRIES = 5
CODE_WINDOW_SECONDS = 15 * 60


def _require_second_factor(user: User, code: str) -> None:
    """A fresh code from the person's authenticator, with few tries: a hijacked session
    cannot guess its way to a long-lived token. Every wrong code is on the record."""
    key = f"lers:token-code-misses:{user.pk}"
    misses = cache.get(key, 0)
    if misses >= CODE_TRIES:
        raise NotPermitted(
            _("too many wrong codes: try again in %(n)d minutes") % {"n": CODE_WINDOW_SECONDS // 60}
        )
    if _second_factor_ok(user, code):
        cache.delete(key)
        return
    cache.set(key, misses + 1, CODE_WINDOW_SECONDS)
    audit_record(
        actor=user, action="api.token_code_refused", obj=user, payload={"misses": misses + 1}
    )
    raise NotPermitted(_("the second-factor code is wrong or already used"))


def token_create(
    *, user: User, name: str, scopes: list[str], code: str, days: int | None = None
) -> NewToken:
    """A new token of ``user``, who proves their second factor again with ``code``."""
    allowed = scopes_for(user)
    if not allowed or not user.is_active:
        raise NotPermitted(_("this account cannot have API tokens"))
    name = " ".join(name.split())[:100]
    if not name:
        raise DomainError(_("name the token (what will use it)"))
    unknown = sorted(set(scopes) - set(allowed))
    if unknown or not scopes:
        raise DomainError(
            _("choose scopes among: %(allowed)s") % {"allowed": ", ".join(allowed)},
            unknown=unknown,
        )
    longest = settings.LERS_API_TOKEN_MAX_DAYS
    days = longest if days is None else days
    if not 1 <= days <= longest:
        raise DomainError(_("a token lasts 1 to %(n)d days") % {"n": longest})
    _require_second_factor(user, code)
    key_id = secrets.token_hex(8)
    secret = f"{PREFIX}{key_id}_{secrets.token_urlsafe(32)}"
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user,
            name=name,
            key_id=key_id,
            secret_sha256=_digest(secret),
            scopes=[s for s in allowed if s in scopes],
            expires_at=timezone.now() + dt.timedelta(days=days),
        )
        audit_record(
            actor=user,
            action="api.token_created",
            obj=token,
            payload={"name": name, "key_id": key_id, "scopes": token.scopes, "days": days},
        )
    return NewToken(token, secret)


def tokens_of(user: User) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user)


def token_get_of(user: User, pk: int) -> ApiToken:
    token = tokens_of(user).filter(pk=pk).first()
    if token is None:
        raise NotFound(_("no such token"))
    return token


def token_revoke(*, token: ApiToken, by: User) -> ApiToken:
    """The owner ends a token (``token_get_of`` finds only the owner's own)."""
    if token.user_id != by.pk:
        raise NotFound(_("no such token"))
    with transaction.atomic():
        locked = ApiToken.objects.select_for_update().get(pk=token.pk)
        if locked.revoked_at is None:
            locked.revoked_at = timezone.now()
            locked.save(update_fields=["revoked_at"])
            audit_record(
                actor=by,
                action="api.token_revoked",
                obj=locked,
                payload={"key_id": locked.key_id, "owner": locked.user_id},
            )
    return locked


def token_authenticate(secret: str) -> ApiToken | None:
    """The live token ``secret`` names, or None (unknown, wrong, expired, revoked, or its
    owner can no longer sign in)."""
    if not secret.startswith(PREFIX) or "\x00" in secret:
        return None
    key_id, _sep, _rest = secret[len(PREFIX) :].partition("_")
    token = (
        ApiToken.objects.filter(key_id=key_id[:16])
        .select_related("user", "user__officer", "user__officer__agency")
        .first()
    )
    if token is None or not hmac.compare_digest(token.secret_sha256, _digest(secret)):
        return None
    now = timezone.now()
    if token.revoked_at is not None or token.expires_at <= now or not token.user.is_active:
        return None
    if not scopes_for(token.user):  # an officer suspended, a member of staff without roles
        return None
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_EVERY:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token
