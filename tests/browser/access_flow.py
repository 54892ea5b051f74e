"""The officer's access journey as steps a person takes in the browser (BN-02, HX-03, X-01).

Ask for access, prove the mailbox with the emailed code, sign in, set up TOTP, attach proof of
authority; a reviewer approves; the officer signs in with password and TOTP.

Emails leave through the durable job queue (``lers.core.mail``), and no worker runs during
tests: ``deliver_mail`` drains the queue in this process, as ``lers worker --burst`` would, and
the messages land in ``django.core.mail.outbox`` (pytest-django's test environment switches
EMAIL_BACKEND to the locmem backend).
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.core import mail
from django.urls import reverse

from tests.browser.flows import TOTP_MARGIN_SECONDS, TOTP_PERIOD, expect, sign_in

if TYPE_CHECKING:
    from django.core.mail import EmailMessage
    from playwright.sync_api import Page

    from lers.accounts.models import User

# A step that walks several pages can picture each of them: pass the ``screenshot`` fixture.
Snap = Callable[[str], Any]


@dataclass(frozen=True)
class Applicant:
    """What an officer types into the access-request form."""

    email: str = "dc.smith@met.police.uk"
    password: str = "a long and unusual passphrase 42"
    full_name: str = "DC Sam Smith"
    title: str = "Detective Constable"
    badge_number: str = "MP1234"
    agency_name: str = "Metropolitan Police Service"
    country: str = "GB"
    office_phone: str = "020 7230 1212"
    mobile_phone: str = "07911 123456"
    supervisor_name: str = "DS Jo Jones"
    supervisor_email: str = "jo.jones@met.police.uk"


def _snap(screenshot: Snap | None, label: str) -> None:
    if screenshot is not None:
        screenshot(label)


def _label(text: str) -> re.Pattern[str]:
    """A Django form label, with or without its ":" suffix, and nothing more.

    ``exact=True`` would miss the suffix; a plain substring would let "Full name" also find
    "Agency (full name)".
    """
    return re.compile(rf"^\s*{re.escape(text)}:?\s*$")


def _url(name: str) -> re.Pattern[str]:
    """The page ``name``, whatever its query string."""
    return re.compile(re.escape(reverse(name)) + r"(\?.*)?$")


def fresh_totp_code(secret: str) -> str:
    """The current code of ``secret``, from a step with time left to reach the server.

    allauth accepts the current step only; the same wait as ``flows._fresh_totp_code``, for any
    secret rather than the personas' one.
    """
    from lers.accounts.mfa import totp_code

    left = TOTP_PERIOD - time.time() % TOTP_PERIOD
    if left < TOTP_MARGIN_SECONDS:
        time.sleep(left + 0.2)
    return totp_code(secret)


def deliver_mail() -> list[EmailMessage]:
    """Run the queued jobs now (no worker runs in tests) and return every email sent so far."""
    from lers.jobs.worker import Worker

    # No periodic schedules: only what the journey itself enqueued runs.
    Worker(worker_id="browser-test", periodic={}).run(burst=True)
    return list(mail.outbox)


def last_mail_to(address: str) -> EmailMessage:
    """The newest email to ``address``, once the queue has been run."""
    sent = [message for message in deliver_mail() if address in message.to]
    assert sent, f"no email to {address}; outbox: {[(m.to, m.subject) for m in mail.outbox]}"
    return sent[-1]


def request_access(page: Page, applicant: Applicant | None = None) -> str:
    """Fill in /portal/access/ as a visitor; returns the address the code was sent to."""
    who = applicant or Applicant()
    page.goto(reverse("portal-access"))
    expect(page.get_by_role("heading", name="Request access")).to_be_visible()
    for label, value in (
        ("Official email address", who.email),
        ("Password", who.password),
        ("Full name", who.full_name),
        ("Rank or title", who.title),
        ("Badge or warrant number", who.badge_number),
        ("Agency (full name)", who.agency_name),
        ("Country (two-letter code, e.g. GB, HK)", who.country),
        ("Office landline", who.office_phone),
        ("Work mobile", who.mobile_phone),
        ("Supervisor's name", who.supervisor_name),
        ("Supervisor's email", who.supervisor_email),
    ):
        page.get_by_label(_label(label)).fill(value)
    page.get_by_role("button", name="Send me a code").click()
    expect(page).to_have_url(_url("portal-access-confirm"))
    expect(page.get_by_role("status")).to_contain_text(f"We sent a code to {who.email}")
    return who.email


def confirm_mailbox(page: Page, email: str) -> str:
    """Type the 6-digit code emailed to ``email``. The person is signed in by it (no second
    sign-in) and lands on the second-factor set-up. Returns the code."""
    message = last_mail_to(email)
    found = re.search(r"\b(\d{6})\b", message.body)
    assert found, f"no 6-digit code in {message.subject!r}: {message.body!r}"
    code = found.group(1)
    page.get_by_label(_label("Code from the email")).fill(code)
    page.get_by_role("button", name="Confirm", exact=True).click()
    expect(page).to_have_url(_url("mfa_activate_totp"))
    expect(page.get_by_role("status")).to_contain_text(f"{email} is confirmed")
    return code


def current_step(page: Page) -> str:
    """The step of getting access that the page's step indicator marks as the current one."""
    step = page.get_by_role("navigation", name="Getting access").locator('[aria-current="step"]')
    expect(step).to_have_count(1)
    return str(step.get_attribute("data-step"))


def shown_totp_secret(page: Page) -> str:
    """The secret the set-up page shows (what a person types into the app, or scans)."""
    expect(page.get_by_role("heading", name="Activate Authenticator App")).to_be_visible()
    secret = page.get_by_label("Authenticator secret").input_value()
    assert re.fullmatch(r"[A-Z2-7]+=*", secret), secret
    return secret


def submit_password(page: Page, username_or_email: str, password: str) -> None:
    """The first half of signing in; the page that follows depends on the account's factors."""
    if not page.url.split("?")[0].endswith(reverse("account_login")):
        page.goto(reverse("account_login"))
    page.get_by_label("Username or official email").fill(username_or_email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page).not_to_have_url(_url("account_login"))


def set_up_totp(page: Page, screenshot: Snap | None = None) -> str:
    """Activate an authenticator app from allauth's page, as a person with a phone would.

    The secret is read from the page (what the person would type into the app, or scan);
    allauth then shows the recovery codes, which are acknowledged if it asks, and the page
    leads on to where the person was going. Returns the secret.
    """
    if not page.url.split("?")[0].endswith(reverse("mfa_activate_totp")):
        page.goto(reverse("mfa_activate_totp"))
    secret = shown_totp_secret(page)
    _snap(screenshot, "totp-activate")
    page.get_by_label("Authenticator code").fill(fresh_totp_code(secret))
    page.get_by_role("button", name="Activate").click()
    expect(
        page.get_by_role("status").filter(has_text="Authenticator app activated.")
    ).to_be_visible()
    # The code just typed counts as a second-factor authentication: no "Confirm Access" here.
    expect(page.get_by_role("heading", level=1)).to_have_text("Recovery Codes")
    codes = page.get_by_label("Unused codes")
    expect(codes).not_to_be_empty()
    saved = page.get_by_label("I have saved my recovery codes")
    if saved.count():  # only with MFA_RECOVERY_CODES_SHOW_ONCE
        saved.check()
    _snap(screenshot, "recovery-codes")
    page.get_by_role("link", name="I have saved them: continue").click()
    return secret


def upload_proof(page: Page, path: Path, document: str | None = None) -> None:
    """Attach ``path`` on the access status page as ``document`` (the first kind by default)."""
    if not page.url.split("?")[0].endswith(reverse("portal-access-status")):
        page.goto(reverse("portal-access-status"))
    expect(page.get_by_role("heading", name="Your access request")).to_be_visible()
    kind = page.get_by_label(_label("Document"))
    if document is not None:
        kind.select_option(label=document)
    page.get_by_label(_label("File")).set_input_files(path)
    page.get_by_role("button", name="Attach").click()
    expect(page).to_have_url(_url("portal-access-status"))
    expect(page.get_by_role("status")).to_contain_text("the document is attached")
    expect(page.get_by_role("listitem").filter(has_text=path.name)).to_be_visible()


def approve_access(
    page: Page,
    staff_user: User,
    email: str,
    *,
    agency: str | None = None,
    kind: str = "Police",
    screenshot: Snap | None = None,
) -> None:
    """``staff_user`` signs in and approves ``email``'s request from the /access/ queue.

    ``agency``: a directory agency's name as the page lists it; None approves into a new
    agency named as the officer gave it (of ``kind``). Leaves the reviewer signed in, on the
    queue.
    """
    sign_in(page, staff_user)
    page.get_by_role("link", name="Access requests").click()
    expect(page).to_have_url(_url("workbench-access"))
    row = page.get_by_role("row").filter(has_text=email)
    expect(row).to_have_count(1)
    _snap(screenshot, "access-queue")

    row.get_by_role("link").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Waiting for review")
    expect(page.get_by_text(email)).to_be_visible()
    _snap(screenshot, "access-detail")

    decision = page.locator(".card").filter(has=page.get_by_role("heading", name="Decision"))
    agency_select = decision.get_by_label("Agency", exact=True)
    if agency is None:
        new = agency_select.get_by_role("option", name="New agency:")
        agency_select.select_option(label=new.inner_text())
    else:
        agency_select.select_option(label=agency)
    decision.get_by_label("Kind of agency").select_option(label=kind)
    decision.get_by_role("button", name="Approve").click()
    expect(page).to_have_url(_url("workbench-access"))
    expect(page.get_by_role("status")).to_contain_text("Approved; the officer has been told.")
    expect(page.get_by_role("row").filter(has_text=email)).to_have_count(0)
    _snap(screenshot, "approved")


def sign_in_with_totp(page: Page, username_or_email: str, password: str, secret: str) -> None:
    """Sign in with password, then the code of ``secret`` on allauth's second-factor page."""
    page.goto(reverse("account_login"))
    submit_password(page, username_or_email, password)
    expect(page).to_have_url(_url("mfa_authenticate"))
    expect(page.get_by_role("heading", name="Two-Factor Authentication")).to_be_visible()
    page.get_by_placeholder("Code").fill(fresh_totp_code(secret))
    page.get_by_role("button", name="Sign in").first.click()
    expect(page).not_to_have_url(_url("mfa_authenticate"))
