"""Where a new officer is in getting access: one guided flow, shown as steps on every page of
it (the portal's own pages and allauth's second-factor pages alike)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from lers.accounts.mfa import has_second_factor
from lers.agencies.models import AccessRequest
from lers.agencies.selectors import access_request_of

# The steps, in the order a person takes them.
STEPS = (
    ("email", _("Official email")),
    ("code", _("Mailbox code")),
    ("factor", _("Second factor")),
    ("recovery", _("Recovery codes")),
    ("proof", _("Proof of authority")),
    ("review", _("Review")),
)
# The pages before an account exists, by the name of their route.
ANONYMOUS = {"portal-access": "email", "portal-access-confirm": "code"}
FACTOR_PAGES = frozenset({"mfa_activate_totp", "mfa_add_webauthn", "mfa_index"})


@dataclass(frozen=True)
class Step:
    code: str
    label: str
    state: str  # "done", "current" or "todo"


def _current(request: HttpRequest) -> str | None:
    match = getattr(request, "resolver_match", None)
    name = match.url_name if match is not None else None
    user = getattr(request, "user", None)  # absent on a page answered before auth ran
    if user is None:
        return None
    if not user.is_authenticated:
        return ANONYMOUS.get(name or "")
    if getattr(user, "officer", None) is not None:
        return None  # an officer already: the access request was decided
    own = access_request_of(user)
    if own is None or own.status not in AccessRequest.OPEN:
        return None  # staff, or an officer whose request is decided
    if not has_second_factor(user):
        return "factor"
    if name == "mfa_view_recovery_codes" or name in FACTOR_PAGES:
        return "recovery"
    if not own.proofs.exists():
        return "proof"
    return "review"


def onboarding(request: HttpRequest) -> dict[str, Any]:
    """Template context: ``onboarding_steps``, or nothing outside the flow."""
    current = _current(request)
    if current is None:
        return {}
    codes = [code for code, _label in STEPS]
    at = codes.index(current)
    return {
        "onboarding_steps": [
            Step(code, str(label), "done" if i < at else "current" if i == at else "todo")
            for i, (code, label) in enumerate(STEPS)
        ]
    }
