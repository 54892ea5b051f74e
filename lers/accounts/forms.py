"""django-allauth's forms where lers needs them to behave differently."""

from __future__ import annotations

from typing import Any

from allauth.mfa.totp.forms import ActivateTOTPForm

from lers.accounts.mfa import pending_totp_clear, pending_totp_secret


class StableActivateTOTPForm(ActivateTOTPForm):
    """allauth's TOTP set-up, with a secret that stays the same until the factor is active.

    allauth makes a new secret on every unbound load of the page; lers keeps one per account
    (``pending_totp_secret``) so that whatever else the browser loads, or however often the
    page is opened, the QR code shown is the one the code is checked against.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.secret = pending_totp_secret(self.user)

    def clean_code(self) -> str:
        code = str(super().clean_code())
        # Right: allauth activates the factor with ``self.secret`` from here on.
        pending_totp_clear(self.user)
        return code
