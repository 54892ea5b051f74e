"""A case through the staff workbench in a real browser (issue 6's "done when"): from
submitted through a question to the agency, a call-back, a partial approval, a freeze with a
second approval, a production with a second approval and the officer's download, to closed;
and a decline. Screenshots at each step."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
from pathlib import Path

import pytest
from django.urls import reverse

from lers.actions.models import Freeze
from lers.cases import services
from lers.cases.categories import DATA_CATEGORIES
from lers.cases.lifecycle import State
from lers.cases.models import ApprovedScope, Case
from lers.productions.models import Production
from lers.productions.package import read_archive
from tests.browser.access_flow import deliver_mail
from tests.browser.flows import expect, sign_in, sign_out
from tests.exchange.small import ETH

pytestmark = pytest.mark.browser


def form(page, name: str, case: Case, *args):
    """The form that posts to one URL of the case (several share field names)."""
    return page.locator(f'form[action="{reverse(name, args=[case.reference, *args])}"]')


def step(page, case: Case, name: str, text: str = ""):
    """A step of "Next step": the primary one is on show, the others under "Other steps"."""
    target = form(page, "workbench-transition", case, name)
    if not target.is_visible():
        page.locator("#next-steps summary").click()
    if text:
        target.get_by_role("textbox").fill(text)
    target.get_by_role("button").click()


def open_case(page, case: Case) -> None:
    page.goto(reverse("workbench-case", args=[case.reference]))


@pytest.fixture
def submitted(small_exchange, make_case, officer_a):
    """A submitted request for the small exchange's ETH account, nobody holding it yet."""
    case = make_case(State.DRAFT, team=False)
    case.targets.all().delete()
    services.target_add(case=case, by=officer_a, kind="address", value=ETH, chain="ETH")
    Case.objects.filter(pk=case.pk).update(
        request_types=["information", "freeze"],
        data_categories=list(DATA_CATEGORIES),
        timeframe_start=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
        timeframe_end=dt.datetime(2026, 10, 31, tzinfo=dt.UTC),
        title="Investment fraud, stolen USDT",
    )
    case.refresh_from_db()
    return services.case_submit(case=case, by=officer_a, accept_incomplete=True)


@pytest.mark.req(
    "X-04", "X-05", "X-07", "X-08", "JU-04", "JU-05", "JU-09", "JU-11", "HX-04", "HX-13"
)
def test_a_case_from_submitted_to_closed_through_the_workbench(
    page, screenshot, submitted, officer_a, analyst, reviewer, approver, operator
):
    case = submitted

    # The analyst takes the new case from the queue and asks the agency a question.
    sign_in(page, analyst)
    page.goto(reverse("home") + "?queue=new")
    screenshot("queue-new")
    page.locator("tr", has_text=case.reference).get_by_role("button", name="Take").click()
    expect(page.get_by_role("heading", name="Verification")).to_be_visible()
    step(page, case, "request_information", "Please send the transaction list of the victim.")
    expect(page.locator("#case-state .state")).to_contain_text("Awaiting")
    screenshot("asked-the-agency")
    sign_out(page)

    # The officer answers in the portal.
    sign_in(page, officer_a)
    page.goto(reverse("portal-case", args=[case.reference]))
    answer = page.locator("#answer")
    answer.get_by_label("Message").fill("Victim's deposits went to the ETH address.")
    answer.get_by_role("button", name="Send the answer").click()
    expect(page.get_by_text("Received. The compliance team will triage it.")).to_be_visible()
    sign_out(page)

    # The analyst triages: resolves the address, confirms the account, calls back on the
    # directory number, puts the team on the case, verifies.
    sign_in(page, analyst)
    open_case(page, case)
    step(page, case, "start_triage")
    form(page, "workbench-resolve", case).get_by_role("button").click()
    page.locator("#subjects").get_by_role("button", name="Confirm").first.click()
    expect(page.locator("#subjects")).to_contain_text("Confirmed")
    callback = form(page, "workbench-callback", case)
    expect(callback.locator('input[name="number"]')).to_have_value(case.agency.switchboard_phone)
    callback.locator('select[name="outcome"]').select_option("confirmed")
    callback.locator('input[name="note"]').fill("Switchboard put us through to the officer.")
    callback.get_by_role("button", name="Record the call-back").click()
    expect(page.locator("#verification")).to_contain_text("Agency directory")
    for colleague in (reviewer, approver, operator):
        team = form(page, "workbench-assign", case)
        team.locator('select[name="user"]').select_option(label=str(colleague))
        team.get_by_role("button", name="Add to the case").click()
    expect(page.locator("#staff")).to_contain_text(str(operator))
    step(page, case, "send_to_verification")
    step(page, case, "verify", "Call-back to the directory number confirmed the officer.")
    screenshot("verified")
    sign_out(page)

    # The reviewer approves in part: without the devices and the balances.
    sign_in(page, reviewer)
    open_case(page, case)
    scope = page.locator("#scope-form")
    scope.get_by_label(str(DATA_CATEGORIES["devices"])).uncheck()
    scope.get_by_label(str(DATA_CATEGORIES["balances"])).uncheck()
    scope.get_by_label("Reasons for the decision").fill("Devices and balances are not necessary.")
    screenshot("scope")
    scope.get_by_role("button", name="Approve this scope").click()
    expect(page.locator("#scope")).to_contain_text("in part")
    sign_out(page)
    stored = ApprovedScope.objects.get(case=case)
    assert stored.partial and "devices" not in stored.categories

    # The operator starts the work, asks for a freeze and builds the production.
    sign_in(page, operator)
    open_case(page, case)
    step(page, case, "start_work")
    freeze = form(page, "workbench-freeze", case)
    freeze.locator('input[name="days"]').fill("30")
    freeze.locator('input[name="reason"]').fill("Proceeds of fraud")
    freeze.get_by_role("button", name="Ask for a freeze").click()
    expect(page.locator("#actions")).to_contain_text("Awaiting a second approval")
    form(page, "workbench-production-new", case).get_by_role("button").click()
    expect(page.get_by_role("heading", name=re.compile("Production"))).to_be_visible()
    deliver_mail()  # the worker builds the package
    page.reload()
    expect(page.locator("#production")).to_contain_text("Ready for release")
    screenshot("production-ready")
    sign_out(page)

    # The approver, a second person, approves the freeze and releases the production.
    sign_in(page, approver)
    open_case(page, case)
    frozen = Freeze.objects.get(case=case)
    form(page, "workbench-freeze-decide", case, frozen.pk).filter(
        has=page.locator('input[value="approve"]')
    ).get_by_role("button", name="Approve").click()
    production = Production.objects.get(case=case)
    page.goto(reverse("workbench-production", args=[case.reference, production.pk]))
    page.get_by_role("button", name="Release to the agency").click()
    # Binance tells the user before disclosure (BN-08): the release waits for the notice.
    expect(page.get_by_text("tells the user before disclosure")).to_be_visible()
    open_case(page, case)
    form(page, "workbench-notices", case).get_by_role("button").click()
    page.locator("#actions").get_by_role("button", name="Send notice").click()
    deliver_mail()  # the notice reaches the exchange, which tells the user
    page.goto(reverse("workbench-production", args=[case.reference, production.pk]))
    page.get_by_role("button", name="Release to the agency").click()
    expect(page.locator("#production")).to_contain_text("Released to the agency")
    screenshot("released")
    deliver_mail()  # the restriction reaches the exchange; the officers are told
    frozen.refresh_from_db()
    assert frozen.state == Freeze.State.ACTIVE
    sign_out(page)

    # The officer downloads the archive and opens it with the passphrase from the email.
    (letter,) = [
        m for m in deliver_mail() if officer_a.email in m.to and "Passphrase" in m.subject
    ]  # the passphrase comes apart from the link
    passphrase = re.search(r"^\s{4}(\S+)$", letter.body, re.M)
    assert passphrase, letter.body
    sign_in(page, officer_a)
    page.goto(reverse("portal-case", args=[case.reference]))
    screenshot("officer-response")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download the encrypted archive").click()
    body = Path(download_info.value.path()).read_bytes()
    production.refresh_from_db()
    assert hashlib.sha256(body).hexdigest() == production.archive_sha256
    names = dict(read_archive(io.BytesIO(body), passphrase.group(1)))
    assert "cover-letter.pdf" in names and "devices.csv" not in names
    assert production.downloads == 1
    sign_out(page)

    # The operator records the response and closes the case.
    sign_in(page, operator)
    open_case(page, case)
    step(page, case, "respond", "Production delivered; account frozen for 30 days.")
    step(page, case, "close")
    expect(page.locator("#case-state .state")).to_contain_text("Closed")
    screenshot("closed")
    case.refresh_from_db()
    assert case.state == State.CLOSED


@pytest.mark.req("JU-14", "X-07")
def test_a_case_is_declined_with_the_policys_reasons(
    page, screenshot, submitted, officer_a, analyst
):
    case = submitted
    sign_in(page, analyst)
    page.goto(reverse("home") + "?queue=new")
    page.locator("tr", has_text=case.reference).get_by_role("button", name="Take").click()
    page.locator("#next-steps summary").click()  # "Other steps"
    decline = form(page, "workbench-transition", case, "decline")
    reasons = decline.locator('select[name="reasons"] option')
    first = reasons.first.inner_text()
    decline.locator('select[name="reasons"]').select_option(index=0)
    decline.get_by_label("Message to the agency").fill(
        "This is a civil matter between private parties."
    )
    screenshot("decline")
    decline.get_by_role("button", name="Decline").click()
    expect(page.locator("#case-state .state")).to_contain_text("Declined")
    sign_out(page)
    sign_in(page, officer_a)
    page.goto(reverse("portal-case", args=[case.reference]))
    expect(page.get_by_text(first)).to_be_visible()
    screenshot("officer-sees-the-reasons")
    case.refresh_from_db()
    assert case.state == State.DECLINED and case.decline_reasons
