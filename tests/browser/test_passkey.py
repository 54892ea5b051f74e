"""A security key / passkey as the second factor (X-01), walked in a real browser.

Chromium's virtual authenticator (Chrome DevTools Protocol, "WebAuthn" domain) stands in for
the key: it answers navigator.credentials.create() and .get() as a real one would, touch and
user verification included, so allauth's own pages and scripts run unchanged.

The live server is http://localhost:PORT: a secure context for the browser, and an origin
python-fido2 accepts for the relying party "localhost" (allauth takes the RP ID from the
request's host). lers never sets MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN (with it, allauth checks
no origin at all), so the check this test passes is the one production runs.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pytest
from allauth.mfa.models import Authenticator
from django.urls import reverse

from tests.browser.flows import expect, sign_in, sign_out
from tests.conftest import PASSWORD

if TYPE_CHECKING:
    from playwright.sync_api import CDPSession, Page

pytestmark = pytest.mark.browser

KEY_NAME = "Desk security key"


def _add_virtual_authenticator(page: Page) -> tuple[CDPSession, str]:
    """Plug a virtual CTAP2 key into ``page``'s browser; it consents and verifies by itself."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable", {"enableUI": False})
    added = cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "usb",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )
    return cdp, added["authenticatorId"]


@pytest.mark.req("X-01")
def test_officer_adds_a_security_key_and_signs_in_with_it(page, screenshot, settings, officer_a):
    assert settings.MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN is False  # the origin is checked
    cdp, authenticator_id = _add_virtual_authenticator(page)

    # Signed in with password and TOTP, the officer opens the second-factor settings.
    sign_in(page, officer_a)
    page.get_by_role("link", name="Two-factor authentication").click()
    expect(page).to_have_url(re.compile(re.escape(reverse("mfa_index")) + "$"))
    expect(page.get_by_text("No security keys have been added.")).to_be_visible()
    screenshot("mfa-index-before")

    # Adding a key is a sensitive change: allauth asks for the password again first, even
    # right after signing in (only a reauthentication counts, not the sign-in itself).
    page.get_by_role("link", name="Add").click()
    expect(page.get_by_role("heading", name="Confirm Access")).to_be_visible()
    page.get_by_label("Password").fill(PASSWORD)
    screenshot("confirm-access")
    page.get_by_role("button", name="Confirm").click()

    # Name the key; the virtual key answers navigator.credentials.create().
    expect(page).to_have_url(re.compile(re.escape(reverse("mfa_add_webauthn")) + "$"))
    expect(page.get_by_role("heading", name="Add Security Key")).to_be_visible()
    page.get_by_label("Name").fill(KEY_NAME)
    screenshot("add-key-named")
    page.get_by_role("button", name="Add").click()
    expect(page).to_have_url(re.compile(re.escape(reverse("mfa_index")) + "$"))
    expect(page.get_by_text("You have added 1 security key.")).to_be_visible()
    screenshot("mfa-index-key-added")

    # Stored by allauth for this user, and held by the (virtual) key for the RP "localhost".
    keys = Authenticator.objects.filter(user=officer_a, type=Authenticator.Type.WEBAUTHN)
    assert keys.count() == 1
    assert keys.get().wrap().name == KEY_NAME
    assert keys.get().last_used_at is None  # set by signing in with it, not by adding it
    credentials = cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator_id})
    assert [c["rpId"] for c in credentials["credentials"]] == ["localhost"]

    sign_out(page)
    screenshot("signed-out")

    # Sign in again: the password, then the security key instead of the TOTP code.
    page.goto("/login/")
    page.get_by_label("Username or official email").fill(officer_a.username)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(re.escape(reverse("mfa_authenticate"))))
    use_key = page.get_by_role("button", name="Use a security key")
    expect(use_key).to_be_visible()
    screenshot("second-factor-choice")
    use_key.click()

    expect(page).not_to_have_url(re.compile(re.escape(reverse("mfa_authenticate"))))
    expect(page).not_to_have_url(re.compile(re.escape(reverse("account_login"))))
    expect(page.get_by_role("heading", name="Your agency's requests")).to_be_visible()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    screenshot("signed-in-with-key")

    # The key, not a code, answered the second sign-in: allauth marked it used.
    assert keys.get().last_used_at is not None
