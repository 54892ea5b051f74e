"""What a person does in the browser again and again: signing in and out.

Test modules import Playwright's names from here, not from playwright itself: without the
package they still import, and the ``browser`` fixture then skips them (or fails them under
LERS_BROWSER_TESTS=required) with the reason.
"""

from __future__ import annotations

import re
import time
from typing import TYPE_CHECKING

from django.urls import reverse

from tests.conftest import PASSWORD

try:
    from playwright.sync_api import expect
except ImportError:  # reported by the browser fixture, which every browser test needs
    expect = None  # type: ignore[assignment]

if TYPE_CHECKING:
    from playwright.sync_api import Page

    from lers.accounts.models import User

TOTP_PERIOD = 30
# allauth accepts the current TOTP step only (MFA_TOTP_TOLERANCE = 0): a code typed in a step's
# last seconds can reach the server in the next one. Wait for a fresh step instead.
TOTP_MARGIN_SECONDS = 4


# The TOTP step each user last signed in with: allauth refuses a code used once already, so a
# user signing in again within the same step waits for the next one.
_LAST_STEP: dict[int, int] = {}


def _fresh_totp_code(user_pk: int) -> str:
    from lers.accounts.mfa import totp_code
    from tests.conftest import TOTP_SECRET

    left = TOTP_PERIOD - time.time() % TOTP_PERIOD
    if left < TOTP_MARGIN_SECONDS:
        time.sleep(left + 0.2)
    step = int(time.time() // TOTP_PERIOD)
    if _LAST_STEP.get(user_pk) == step:
        time.sleep(TOTP_PERIOD - time.time() % TOTP_PERIOD + 0.2)
        step = int(time.time() // TOTP_PERIOD)
    _LAST_STEP[user_pk] = step
    return totp_code(TOTP_SECRET)


def sign_in(page: Page, user: User, password: str = PASSWORD) -> None:
    """Sign in at /login/ as a person would, with the second factor when asked for it."""
    page.goto("/login/")
    page.get_by_label("Username or official email").fill(user.username)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page).not_to_have_url(re.compile(re.escape(reverse("account_login")) + "$"))
    # Every account has a second factor (X-01): the personas' TOTP comes from tests/conftest.
    if page.url.split("?")[0].endswith(reverse("mfa_authenticate")):
        page.locator('input[name="code"]').fill(_fresh_totp_code(user.pk))
        page.get_by_role("button", name="Sign in").first.click()
        expect(page).not_to_have_url(re.compile(re.escape(reverse("mfa_authenticate"))))


def sign_out(page: Page) -> None:
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()
