"""The staff workbench and the officer portal, walked in a real browser."""

from __future__ import annotations

import pytest

from lers.cases.lifecycle import State
from tests.browser.flows import expect, sign_in, sign_out

pytestmark = pytest.mark.browser


def test_analyst_starts_triage_and_another_agency_gets_404(
    page, screenshot, make_case, analyst, officer_b
):
    case = make_case(State.SUBMITTED)

    sign_in(page, analyst)
    page.goto("/")
    row = page.get_by_role("row").filter(has_text=case.reference)
    expect(row).to_be_visible()
    screenshot("queue")

    row.get_by_role("link", name=case.reference).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(case.reference)
    state = page.locator("#case-state .state")
    expect(state).to_have_text("Submitted")
    page.get_by_role("button", name="Start triage").click()
    expect(state).to_have_text("In triage")
    screenshot("in-triage")
    case.refresh_from_db()
    assert case.state == State.TRIAGE

    sign_out(page)
    sign_in(page, officer_b)
    expect(page.get_by_role("heading", name="Your agency's requests")).to_be_visible()
    expect(page.get_by_text(case.reference)).to_have_count(0)
    response = page.goto(f"/portal/cases/{case.reference}/")
    assert response is not None
    assert response.status == 404
    screenshot("other-agency-404")
