from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme

from lers.accounts.roles import is_staff_member
from lers.core.middleware import RequireSecondFactorMiddleware
from lers.core.policy import active_policy


def policy(request: HttpRequest) -> dict[str, Any]:
    session = getattr(request, "session", None)
    after_factor = session.get(RequireSecondFactorMiddleware.NEXT_SESSION_KEY) if session else None
    return {
        # Shown on the second-factor pages: where the person was going before set-up.
        "after_second_factor": after_factor
        if after_factor and url_has_allowed_host_and_scheme(after_factor, allowed_hosts=None)
        else None,
        "policy_name": active_policy().profile.name,
        # The guideline the deployment follows, and its date: what the header says it runs.
        "policy_guideline": active_policy().profile.guideline
        + (
            f" ({active_policy().profile.guideline_date:%Y-%m-%d})"
            if active_policy().profile.guideline_date
            else ""
        ),
        # Which consent questions the profile asks (HX-10, HX-12): the request's summary shows
        # only those.
        "freeze_rules": active_policy().freeze,
        "lers_staff": is_staff_member(request.user) if hasattr(request, "user") else False,
        # The languages the profile offers on its pages (``languages.portal``).
        "portal_languages": [
            (code, name)
            for code, name in settings.LANGUAGES
            if code in active_policy().languages.portal
        ],
    }
