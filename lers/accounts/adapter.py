"""How django-allauth behaves in lers."""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context
from django.http import HttpRequest

from lers.accounts.mfa import has_second_factor


class LersAccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        # Officers ask for access through the portal; staff accounts are made by administrators.
        return False

    def is_reauthentication_required(self, *, app: str, **kwargs: Any) -> bool:
        # Setting up the first factor follows the password sign-in lers just demanded (the
        # middleware lets nothing else through); adding or removing factors later re-asks.
        request = context.request
        user = getattr(request, "user", None)
        first_factor = (
            app == "allauth.mfa"
            and user is not None
            and user.is_authenticated
            and not has_second_factor(user)
        )
        if first_factor:
            return False
        return bool(super().is_reauthentication_required(app=app, **kwargs))
