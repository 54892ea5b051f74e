"""Under ju (two legal entities) an analyst routes a new case from the triage page in a real
browser, and can then send it on (JU-01, issue 16's second blocker)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from lers.cases import services
from lers.cases.lifecycle import State
from lers.cases.models import Case
from lers.demo.services import complete_request
from tests.browser.flows import expect, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.req("JU-01")]


@pytest.fixture
def ju_case(settings, browser_db, officer_b) -> Case:
    settings.LERS_POLICY = "ju"
    services.entities_sync(by=None)
    case = services.case_create(
        officer_user=officer_b, request_types=["information"], title="Card fraud, HK victims"
    )
    complete_request(case, officer_b.officer)
    return services.case_submit(case=case, by=officer_b, accept_incomplete=True)


def test_an_analyst_routes_a_ju_case_in_triage_and_sends_it_on(page, screenshot, ju_case, analyst):
    case = ju_case
    sign_in(page, analyst)
    page.goto(reverse("home") + "?queue=new")
    page.locator("tr", has_text=case.reference).get_by_role("button", name="Take").click()
    routing = page.locator("#routing")
    expect(routing).to_contain_text("Suggested: Ju Hong Kong Ltd (demo entity)")
    expect(routing).to_contain_text("the agency is in HK")
    expect(routing.get_by_label("Entity")).to_have_value("ju_hk")
    screenshot("routing-suggested")

    routing.get_by_label("Why (on the record)").fill("Victims and subjects in Hong Kong")
    routing.get_by_role("button", name="Route the case").click()
    expect(page.get_by_role("status")).to_contain_text("Routed to Ju Hong Kong Ltd (demo entity).")
    expect(page.locator("#routing")).to_contain_text("Routed to Ju Hong Kong Ltd")
    send_on = reverse("workbench-transition", args=[case.reference, "send_to_verification"])
    page.locator(f'form[action="{send_on}"]').get_by_role("button").click()
    expect(page.locator("#routing")).to_have_count(0)
    screenshot("sent-to-verification")
    case.refresh_from_db()
    assert case.entity.code == "ju_hk" and case.state == State.VERIFICATION
