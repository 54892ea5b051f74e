"""An officer's whole journey in a real browser (issue 3's "done when"): access, second factor,
approval, sign-in, a request written step by step with pasted identifiers and a court order,
the list, a question answered, and the request withdrawn."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from lers.cases import services
from lers.cases.lifecycle import State
from lers.cases.models import Case
from lers.demo.services import DEMO_PDF
from tests.browser.access_flow import (
    Applicant,
    approve_access,
    confirm_mailbox,
    request_access,
    set_up_totp,
    sign_in_with_totp,
    upload_proof,
)
from tests.browser.flows import expect, sign_out

pytestmark = pytest.mark.browser

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
TRON = "TJCnKsPa7y5okkXvQAidZBzqx3QyQ6sxMW"
ETH = "0x52908400098527886e0f7030069857d2e4169ee7"


@pytest.mark.req("BN-02", "BN-03", "BN-04", "BN-07", "X-01", "X-02", "X-10", "HX-13", "JU-05")
def test_an_officer_gets_access_submits_answers_and_withdraws(
    page, screenshot, settings, entities, analyst, tmp_path
):
    settings.LERS_POLICY = "binance"
    applicant = Applicant()
    badge = tmp_path / "badge.png"
    badge.write_bytes(PNG)
    order = tmp_path / "court-order.pdf"
    order.write_bytes(DEMO_PDF)

    # Access: official email, mailbox code, second factor, proof, approval, sign-in.
    email = request_access(page, applicant)
    confirm_mailbox(page, email)
    secret = set_up_totp(page)  # and on to the access request's status
    upload_proof(page, badge)
    sign_out(page)
    approve_access(page, analyst, email)
    sign_out(page)
    sign_in_with_totp(page, email, applicant.password, secret)
    expect(page.get_by_role("heading", name="Your agency's requests")).to_be_visible()
    screenshot("signed-in")

    # Step 1: what is asked.
    page.get_by_role("link", name="New request").click()
    page.get_by_label("Request for information").check()
    page.get_by_label("Standard").check()
    page.get_by_label("Short title").fill("Investment fraud, 12 victims")
    page.get_by_label("Your case number").fill("CF-2026-0142")
    screenshot("step-request")
    page.get_by_role("button", name="Save and continue").click()
    case = Case.objects.get(agency_case_number="CF-2026-0142")
    checklist = page.locator("#checklist")
    # BN-04: the checklist says, before anything is sent, what this request still needs.
    expect(checklist).to_contain_text("court order from a competent jurisdiction")

    # Step 2: legal basis; the checklist follows the typing before anything is saved.
    expect(checklist).to_contain_text("Set out the legal basis")
    page.get_by_label("Legal instrument").select_option(label="Court order")
    page.get_by_label(re.compile("^Legal basis")).fill("Fraud Act 2006 s.2; PACE 1984 s.8")
    expect(checklist).not_to_contain_text("Set out the legal basis")
    # BN-01: Binance serves criminal investigations only; the request says what it is about.
    page.get_by_label("A criminal investigation").check()
    expect(checklist).not_to_contain_text("Say what the request is about")
    screenshot("step-legal-live-checklist")
    page.get_by_role("button", name="Save and continue").click()

    # Step 3: facts, with the period in UTC.
    page.get_by_label(re.compile("^Summary of the facts")).fill(
        "2026-03-01 victims paid the fake platform; 2026-03-02 funds reached the exchange."
    )
    page.get_by_label("Period from (UTC)").fill("2026-03-01T00:00")
    page.get_by_label("Period to (UTC)").fill("2026-03-31T23:59")
    page.get_by_role("button", name="Save and continue").click()

    # Step 4: scope.
    page.get_by_role("checkbox", name=re.compile(r"Identity verification \(KYC")).check()
    page.get_by_role("checkbox", name=re.compile(r"Deposits \(with TXIDs")).check()
    page.get_by_role("button", name="Save and continue").click()

    # Step 5: identifiers pasted from the officer's notes, listed, confirmed.
    page.get_by_label(re.compile("^Paste text")).fill(
        f"Victims paid USDT (TRC20) to {TRON}; the suspect's ETH wallet is {ETH}."
    )
    page.get_by_role("button", name="Find identifiers", exact=True).click()
    expect(page.get_by_role("heading", name="Confirm the identifiers found")).to_be_visible()
    expect(page.get_by_text(TRON)).to_be_visible()
    screenshot("identifiers-found")
    page.get_by_role("button", name="Add the ticked identifiers").click()
    expect(page.get_by_role("row").filter(has_text=TRON)).to_be_visible()
    assert case.targets.count() == 2

    # Step 6: the court order.
    page.get_by_role("link", name="Continue to documents").click()
    page.get_by_label("Type of document").select_option(label="Court order")
    page.get_by_label("File").set_input_files(str(order))
    page.get_by_role("button", name="Attach").click()
    expect(page.get_by_role("link", name="court-order.pdf")).to_be_visible()
    expect(checklist).not_to_contain_text("court order from a competent jurisdiction")
    screenshot("documents")

    # Step 7: review and submit.
    page.get_by_role("link", name="Continue to review").click()
    screenshot("review")
    page.get_by_role("button", name="Submit the request").click()
    expect(page.locator(".card .state").first).to_have_text("Submitted")
    screenshot("submitted")
    case.refresh_from_db()
    assert case.state == State.SUBMITTED and not case.incomplete

    # The list shows it.
    page.get_by_role("link", name="Requests").click()
    row = page.get_by_role("row").filter(has_text=case.reference)
    expect(row).to_contain_text("Submitted")

    # The exchange asks a question; the officer answers it from the case page.
    services.case_start_triage(case=case, by=analyst)
    services.case_request_information(
        case=case, by=analyst, question="Which victim made the first transfer?"
    )
    row.get_by_role("link", name=case.reference).click()
    expect(page.locator("#answer")).to_contain_text("Which victim made the first transfer?")
    screenshot("question")
    page.locator("#answer").get_by_label("Message").fill("Victim A, on 2026-03-01 at 09:12 UTC.")
    page.get_by_role("button", name="Send the answer").click()
    expect(page.locator(".card .state").first).to_have_text("Submitted")
    expect(page.locator("#messages")).to_contain_text("Victim A, on 2026-03-01")
    screenshot("answered")

    # And withdraws it.
    page.get_by_text("Withdraw this request").click()
    page.get_by_label("Reason").fill("The suspects were arrested; the funds are recovered.")
    page.get_by_label("I understand this cannot be undone").check()
    page.get_by_role("button", name="Withdraw", exact=True).click()
    expect(page.locator(".card .state").first).to_have_text("Withdrawn")
    screenshot("withdrawn")
    case.refresh_from_db()
    assert case.state == State.WITHDRAWN
    assert page.url.endswith(reverse("portal-case", args=[case.reference]))
