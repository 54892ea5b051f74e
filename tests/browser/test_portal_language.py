"""The request form in Traditional Chinese, chosen with the language switcher (HX-16)."""

from __future__ import annotations

import pytest

from lers.cases.lifecycle import State
from tests.browser.flows import expect, sign_in

pytestmark = pytest.mark.browser


@pytest.mark.req("HX-16", "JU-17")
def test_the_switcher_turns_the_request_form_chinese(
    page, screenshot, settings, make_case, officer_a
):
    settings.LERS_POLICY = "ju"
    case = make_case(State.DRAFT)
    sign_in(page, officer_a)
    page.get_by_label("Language").select_option("zh-hant")
    expect(page.get_by_role("heading", level=1)).to_have_text("貴機構的請求")
    page.goto(f"/portal/cases/{case.reference}/edit/targets/")
    page.get_by_label("貼上文字", exact=False).fill("USDT TJCnKsPa7y5okkXvQAidZBzqx3QyQ6sxMW")
    page.get_by_role("button", name="識別", exact=False).first.click()
    expect(page.get_by_role("cell", name="錢包地址")).to_be_visible()
    screenshot("candidates-zh-hant")
    # Nothing of the page's own wording is left in English.
    body = page.locator("main").inner_text()
    for english in ("Still missing", "Confirm the identifiers found", "Wallet address", "Check"):
        assert english not in body
