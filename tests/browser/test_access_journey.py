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
    last_mail_to,
    request_access,
    set_up_totp,
    sign_in_with_totp,
    submit_password,
    upload_proof,
)
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

    # signed in with the password alone, the account can do nothing but set up a factor.
    submit_password(page, email, applicant.password)
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
