"""Changes to a person's account (email, password, second factor) go on the record: a hijacked
officer account shows itself by them, and the case page warns of a recent one (X-05).

django-allauth makes the changes; its signals are connected here (``AccountsConfig.ready``)
and do nothing but record."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy

from lers.accounts.models import User
from lers.audit.services import audit_record

# Each change, as staff read it where the case page warns of it.
CHANGE_LABELS = {
    "account.email_changed": gettext_lazy("email changed"),
    "account.email_added": gettext_lazy("email added"),
    "account.email_removed": gettext_lazy("email removed"),
    "account.password_changed": gettext_lazy("password changed"),
    "account.password_reset": gettext_lazy("password reset"),
    "account.factor_added": gettext_lazy("second factor added"),
    "account.factor_removed": gettext_lazy("second factor removed"),
    "account.factor_reset": gettext_lazy("second factor reset"),
}
CHANGE_ACTIONS = tuple(CHANGE_LABELS)


def account_change_record(user: User, action: str, **details: Any) -> None:
    if action not in CHANGE_ACTIONS:
        raise ValueError(f"unknown account change {action!r}")
    audit_record(actor=user, action=action, obj=user, payload=details)


def connect() -> None:
    from allauth.account import signals as account
    from allauth.mfa import signals as mfa

    def receiver(action: str, describe: Any = None) -> Any:
        def record(sender: Any, user: User | None = None, **kwargs: Any) -> None:
            if user is None and kwargs.get("request") is not None:
                user = getattr(kwargs["request"], "user", None)
            if user is not None and getattr(user, "pk", None):
                account_change_record(user, action, **(describe(kwargs) if describe else {}))

        return record

    def addresses(kwargs: dict[str, Any]) -> dict[str, Any]:
        return {
            k: str(getattr(kwargs.get(k), "email", kwargs.get(k)) or "")
            for k in ("from_email_address", "to_email_address", "email_address")
            if k in kwargs
        }

    pairs = [
        (account.email_changed, "account.email_changed", addresses),
        (account.email_added, "account.email_added", addresses),
        (account.email_removed, "account.email_removed", addresses),
        (account.password_changed, "account.password_changed", None),
        (account.password_reset, "account.password_reset", None),
        (mfa.authenticator_added, "account.factor_added", None),
        (mfa.authenticator_removed, "account.factor_removed", None),
        (mfa.authenticator_reset, "account.factor_reset", None),
    ]
    for signal, action, describe in pairs:
        signal.connect(receiver(action, describe), weak=False, dispatch_uid=f"lers-{action}")
