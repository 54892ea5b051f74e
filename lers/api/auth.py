"""Who calls: a personal API token (``Authorization: Bearer lers_…``), its owner and scopes."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.errors import Throttled
from ninja.security import HttpBearer
from ninja.throttling import AnonRateThrottle

from lers.accounts.models import STAFF_ROLES, ApiToken, User
from lers.accounts.roles import roles_of
from lers.accounts.tokens import token_authenticate
from lers.core.errors import NotPermitted


class RefusedTokens(AnonRateThrottle):
    """Refused tokens count against the address's rate: guessing tokens is throttled like any
    call without one (ninja checks the limits only after a token is accepted)."""

    scope = "refused"

    def __init__(self) -> None:
        super().__init__(settings.LERS_API_ANON_RATE)

    def over(self, request: HttpRequest) -> int | None:
        """Counts one refusal; the seconds to wait when the address is over its rate."""
        self.rate = settings.LERS_API_ANON_RATE
        self.num_requests, self.duration = self.parse_rate(self.rate)
        if self.allow_request(request):
            return None
        return int(self.wait() or 1) or 1


class TokenAuth(HttpBearer):
    openapi_description = (
        "A personal API token, made in the portal (officers) or the workbench (staff) with a "
        "second-factor code: `Authorization: Bearer lers_<id>_<secret>`."
    )

    def authenticate(self, request: HttpRequest, token: str) -> ApiToken | None:
        found = token_authenticate(token.strip())
        if found is not None:
            request.user = found.user  # the services and the audit trail see its owner
            return found
        wait = RefusedTokens().over(request)
        if wait is not None:
            raise Throttled(wait)
        return None


def _token(request: HttpRequest) -> ApiToken:
    token: Any = getattr(request, "auth", None)
    assert isinstance(token, ApiToken)
    return token


def _scoped(request: HttpRequest, scope: str) -> ApiToken:
    token = _token(request)
    if scope not in token.scopes:
        raise NotPermitted(_("this token lacks the scope %(scope)s") % {"scope": scope})
    return token


def officer_user(request: HttpRequest, scope: str) -> User:
    """The officer the token acts for, if the token has ``scope``."""
    token = _scoped(request, scope)
    if getattr(token.user, "officer", None) is None:
        raise NotPermitted(_("this operation is for officers' tokens"))
    return token.user


def staff_user(request: HttpRequest, scope: str) -> User:
    """The member of staff the token acts for, if the token has ``scope``."""
    token = _scoped(request, scope)
    if not roles_of(token.user) & STAFF_ROLES:
        raise NotPermitted(_("this operation is for staff tokens"))
    return token.user
