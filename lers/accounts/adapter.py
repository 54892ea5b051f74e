"""How django-allauth behaves in lers."""

from __future__ import annotations

import time
from typing import Any

from allauth.account import app_settings as account_settings
from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.internal.flows.login import get_authentication_records
from allauth.core import context
from allauth.mfa.models import Authenticator
from django.http import HttpRequest

from lers.accounts.mfa import SECOND_FACTORS, has_second_factor

# Set on a request whose sign-in is one step of getting access (the page says what happened).
QUIET_SIGN_IN = "_lers_quiet_sign_in"


class LersAccountAdapter(DefaultAccountAdapter):
    def add_message(
        self,
        request: HttpRequest,
        level: int,
        message_template: str | None = None,
        message_context: dict[str, Any] | None = None,
        extra_tags: str = "",
        message: str | None = None,
    ) -> None:
        if getattr(request, QUIET_SIGN_IN, False) and message_template == (
            "account/messages/logged_in.txt"
        ):
            return
        super().add_message(request, level, message_template, message_context, extra_tags, message)

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        # Officers ask for access through the portal; staff accounts are made by administrators.
        return False

    def is_reauthentication_required(self, *, app: str, **kwargs: Any) -> bool:
        # Setting up the first factor follows the password sign-in lers just demanded (the
        # middleware lets nothing else through), and so do the recovery codes allauth shows
        # right after it; adding or removing factors later re-asks.
        request = context.request
        user = getattr(request, "user", None)
        if app == "allauth.mfa" and user is not None and user.is_authenticated:
            if not has_second_factor(user):
                return False
            match = getattr(request, "resolver_match", None)
            showing_codes = match is not None and match.url_name == "mfa_view_recovery_codes"
            if showing_codes and _first_factor_just_set_up(request, user):
                return False
        return bool(super().is_reauthentication_required(app=app, **kwargs))


def _first_factor_just_set_up(request: HttpRequest, user: Any) -> bool:
    """The account's only factor was added within the re-authentication window, in a session
    that signed in with the password within it too (the code typed at set-up proved it)."""
    window = account_settings.REAUTHENTICATION_TIMEOUT
    now = time.time()
    factors = list(
        Authenticator.objects.filter(user=user, type__in=SECOND_FACTORS).values_list(
            "created_at", flat=True
        )[:2]
    )
    if len(factors) != 1 or now - factors[0].timestamp() >= window:
        return False
    return any(
        record.get("method") == "password" and now - record.get("at", 0) < window
        for record in get_authentication_records(request, user)
    )
