"""An officer asks for access, a reviewer approves it, the officer signs in: in a real browser."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from lers.agencies.models import AccessRequest, Agency, Officer
from tests.browser.access_flow import (
    Applicant,
    approve_access,
    confirm_mailbox,
    current_step,
    last_mail_to,
    request_access,
    set_up_totp,
    shown_totp_secret,
    sign_in_with_totp,
    submit_password,
    upload_proof,
)
from tests.browser.conftest import VIEWPORT
from tests.browser.flows import expect, sign_out

pytestmark = pytest.mark.browser

# Only the magic number is sniffed (lers.core.uploads).
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@pytest.mark.req("BN-02", "HX-03", "JU-07", "X-01")
def test_an_officer_requests_access_is_approved_and_signs_in_with_totp(
    page, screenshot, analyst, tmp_path
):
    applicant = Applicant()
    badge = tmp_path / "badge.png"
    badge.write_bytes(PNG)

    email = request_access(page, applicant)
    screenshot("code-sent")

    confirm_mailbox(page, email)
    screenshot("mailbox-confirmed")
    access_request = AccessRequest.objects.get(user__email=email)
    assert access_request.status == AccessRequest.Status.SUBMITTED
    assert access_request.office_phone == "+442072301212"  # official contacts, E.164 (JU-07)

    # signed in by the mailbox code (no second sign-in), the account can do nothing but
    # set up a factor.
    expect(page).to_have_url(re.compile(re.escape(reverse("mfa_activate_totp"))))
    secret = set_up_totp(page, screenshot)

    page.get_by_role("link", name="Requests").click()
    expect(page).to_have_url(re.compile(re.escape(reverse("portal-access-status")) + "$"))
    expect(page.get_by_text("Nothing attached yet.")).to_be_visible()
    upload_proof(page, badge)
    expect(page.locator(".state")).to_have_text("Waiting for review")
    screenshot("proof-attached")
    sign_out(page)

    approve_access(page, analyst, email, screenshot=screenshot)
    officer = Officer.objects.select_related("agency").get(user__email=email)
    assert officer.agency == Agency.objects.get(name=applicant.agency_name, country="GB")
    approved = last_mail_to(email)
    assert approved.subject == "Your lers access is approved"
    assert applicant.agency_name in approved.body
    sign_out(page)

    sign_in_with_totp(page, email, applicant.password, secret)
    expect(page).to_have_url(re.compile(re.escape(reverse("portal-cases")) + "$"))
    expect(page.get_by_role("heading", name="Your agency's requests")).to_be_visible()
    screenshot("signed-in")


@pytest.mark.req("X-01", "BN-02")
def test_enrolment_survives_the_browser_closed_and_reopened(
    browser, live_server, page, screenshot, tmp_path
):
    """The officer opens the set-up page, goes to fetch a phone, the browser is closed; in a
    new browser they sign in with the password and find the same QR code: the code from the
    app they set up with the first page activates the factor. Every page of the way shows
    where the officer is in getting access."""
    applicant = Applicant(email="dc.jones@met.police.uk")
    first = browser.new_context(viewport=VIEWPORT, base_url=live_server.url)
    try:
        tab = first.new_page()
        tab.goto(reverse("portal-access"))
        assert current_step(tab) == "email"
        email = request_access(tab, applicant)
        assert current_step(tab) == "code"
        confirm_mailbox(tab, email)
        assert current_step(tab) == "factor"
        # The browser itself asks for its icon and the page is opened in a second tab.
        tab.context.new_page().goto(reverse("mfa_activate_totp"))
        secret = shown_totp_secret(tab)
        tab.reload()
        assert shown_totp_secret(tab) == secret
    finally:
        first.close()

    # A new browser: the session is gone; signing in leads back to the set-up page.
    submit_password(page, email, applicant.password)
    expect(page).to_have_url(re.compile(re.escape(reverse("mfa_activate_totp"))))
    assert current_step(page) == "factor"
    screenshot("totp-after-reopen")
    assert set_up_totp(page) == secret  # the app set up from the first page's code works
    assert current_step(page) == "proof"
    badge = tmp_path / "badge.png"
    badge.write_bytes(PNG)
    upload_proof(page, badge)
    assert current_step(page) == "review"
    screenshot("waiting-for-review")
