"""Who calls: a personal API token (``Authorization: Bearer lers_…``), its owner and scopes;
and how often (the rate limits, per token and per address)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.errors import Throttled
from ninja.security import HttpBearer
from ninja.throttling import AnonRateThrottle, AuthRateThrottle, SimpleRateThrottle

from lers.accounts.models import STAFF_ROLES, ApiToken, User
from lers.accounts.roles import roles_of
from lers.accounts.tokens import token_authenticate
from lers.core.errors import NotPermitted


class _SettingRate(SimpleRateThrottle):
    """A rate read from a setting on each request (so a deployment, or a test, changes it)."""

    setting = ""

    def __init__(self) -> None:
        super().__init__(getattr(settings, self.setting))

    def allow_request(self, request: HttpRequest) -> bool:
        self.rate = getattr(settings, self.setting)
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request)


class TokenRate(_SettingRate, AuthRateThrottle):
    """Per token (its key id), not per address: an agency behind one gateway is many clients."""

    setting = "LERS_API_RATE"

    def get_cache_key(self, request: HttpRequest) -> str:
        token = getattr(request, "auth", None)
        ident = getattr(token, "key_id", None) or self.get_ident(request)
        return self.cache_format % {"scope": self.scope, "ident": ident}


class AnonymousRate(_SettingRate, AnonRateThrottle):
    """Calls without a token (the exchange's signed callbacks, refused tokens): per address."""

    setting = "LERS_API_ANON_RATE"


class RefusedTokens(AnonymousRate):
    """Refused tokens count against the address's rate: guessing tokens is throttled like any
    call without one (ninja checks the limits only after a token is accepted)."""

    scope = "refused"

    def over(self, request: HttpRequest) -> int | None:
        """Counts one refusal; the seconds to wait when the address is over its rate."""
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
