"""The targets step in a real browser at common widths (issue 16.6): with a long list of long
identifiers, the table stays in its column and every Remove button can be clicked."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from lers.cases.models import Case
from tests.browser.flows import expect, sign_in

pytestmark = pytest.mark.browser

TARGETS = [
    "TJCnKsPa7y5okkXvQAidZBzqx3QyQ6sxMW",
    "0x52908400098527886e0f7030069857d2e4169ee7",
    "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq",
    "rPEPPER7kfTD9w2To4CQk6UCfuHM9c6GDY",
    "0x" + "5c504ed432cb51138bcf09aa5e8a410dd4a1e204ef84bfed1be16dfba1b22060",
    "4a5e1e4baab89f3a32518a88c31bc87f618f76673e2cc77ab2127b7afdeda33b",
    "suspect@example.org",
    "+44 20 7946 0000",
]


def _overlap(a: dict[str, float], b: dict[str, float]) -> bool:
    return (
        a["x"] < b["x"] + b["width"]
        and b["x"] < a["x"] + a["width"]
        and a["y"] < b["y"] + b["height"]
        and b["y"] < a["y"] + a["height"]
    )


def test_remove_buttons_stay_clear_of_the_checklist_at_common_widths(
    page, screenshot, entities, officer_a
):
    """issue 16.6 (1): the targets table no longer runs under the "Still missing" panel: at
    1280 and 800 px each Remove button is inside the main column, clear of the panel, and
    receives the click (960 px: two columns at their narrowest)."""
    sign_in(page, officer_a)
    page.goto(reverse("portal-request-new"))
    page.get_by_label("Request for information").check()
    page.get_by_label("Standard").check()
    page.get_by_role("button", name="Save and continue").click()
    case = Case.objects.latest("pk")
    page.goto(reverse("portal-request-step", args=[case.reference, "targets"]))
    page.get_by_label(re.compile("^Paste text")).fill("\n".join(TARGETS))
    page.get_by_role("button", name="Find identifiers", exact=True).click()
    page.get_by_role("button", name="Add the ticked identifiers").click()
    # And one typed with the wrong chain: its row carries the warning and the long reason.
    page.get_by_label("Kind").select_option(label="Wallet address")
    page.get_by_label("Identifier:", exact=True).fill(TARGETS[1])
    page.get_by_label(re.compile("^Chain")).fill("TRX")
    page.get_by_role("button", name="Add target").click()
    count = len(TARGETS) + 1
    expect(page.get_by_role("button", name=re.compile("^Remove"))).to_have_count(count)

    for width in (1280, 960, 800):
        page.set_viewport_size({"width": width, "height": 900})
        page.reload()
        screenshot(f"targets-{width}")
        main = page.locator("section.main").bounding_box()
        aside = page.locator("aside.side").bounding_box()
        assert main and aside
        buttons = page.locator("table.targets").get_by_role("button", name=re.compile("^Remove"))
        for index in range(buttons.count()):
            button = buttons.nth(index)
            button.scroll_into_view_if_needed()
            box = button.bounding_box()
            assert box is not None
            aside = page.locator("aside.side").bounding_box()
            assert aside is not None
            assert not _overlap(box, aside), f"Remove #{index} under the checklist at {width}px"
            assert box["x"] + box["width"] <= width, f"Remove #{index} off screen at {width}px"
            button.click(trial=True)  # nothing else receives the click at its centre
    # And one really goes.
    page.locator("table.targets").get_by_role("button", name=re.compile("^Remove")).last.click()
    expect(page.get_by_role("button", name=re.compile("^Remove"))).to_have_count(count - 1)
