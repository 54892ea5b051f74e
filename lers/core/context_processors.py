from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language

from lers.accounts.models import Role
from lers.accounts.roles import has_role, is_staff_member
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
        # The audit trail's page is the auditors' and the administrators'.
        "lers_audit_reader": hasattr(request, "user")
        and has_role(request.user, Role.AUDITOR, Role.ADMIN),
        # Where the exchange works in another language first (HX-16): said, in that language.
        "language_hint": _language_hint(),
        # The languages the profile offers on its pages (``languages.portal``).
        "portal_languages": [
            (code, name)
            for code, name in settings.LANGUAGES
            if code in active_policy().languages.portal
        ],
    }


def _language_hint() -> dict[str, str] | None:
    languages = active_policy().languages
    current = (get_language() or "en").lower()
    # A reader of any Chinese reads the exchange's Chinese: the hint is for the others.
    if languages.works_in is None or current.split("-")[0] == languages.works_in.split("-")[0]:
        return None
    names = dict(settings.LANGUAGES)
    return {
        "code": languages.works_in,
        "name": names.get(languages.works_in, languages.works_in),
        "note": languages.works_in_note or "",
    }
