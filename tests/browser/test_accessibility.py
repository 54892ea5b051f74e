"""No serious or critical accessibility violation on the main pages (issue 16's "done when"):
axe-core, from its npm package (package.json; .ci/browser-setup runs ``npm ci``), runs in each
page the walk of tests/browser/main_pages.py passes, in English under binance and in
Traditional Chinese under ju."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser.main_pages import new_page, walk, walk_data
from tests.browser.page_checks import RUN_AXE, axe_path, axe_violations

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def axe_script() -> Path:
    return axe_path()


@pytest.mark.parametrize(("profile", "locale"), [("binance", "en-GB"), ("ju", "zh-TW")])
def test_the_main_pages_have_no_serious_accessibility_violation(
    browser, live_server, browser_db, settings, axe_script, profile, locale, request
):
    settings.LERS_POLICY = profile
    data = walk_data(
        request.getfixturevalue("make_case"),
        request.getfixturevalue("officer_a"),
        request.getfixturevalue("analyst"),
        request.getfixturevalue("reviewer"),
    )
    found: dict[str, list[str]] = {}

    def check(label: str, page) -> None:
        violations = axe_violations(page)
        if violations:
            found[label] = violations

    with new_page(browser, live_server.url, locale) as page:
        walk(page, data, check)

    report = "\n".join(
        f"  {label}:\n" + "\n".join(f"    {line}" for line in lines)
        for label, lines in found.items()
    )
    assert not found, f"axe-core under {profile}, {locale}:\n{report}"


def test_axe_runs_in_the_page_and_reports_what_it_finds(browser, axe_script):
    """The check itself: a page with an unnamed image and an unlabelled field is reported."""
    context = browser.new_context()
    try:
        page = context.new_page()
        page.set_content(
            '<html lang="en"><body><main><img src="data:,"><input type="text"></main></body></html>'
        )
        page.add_script_tag(path=str(axe_script))
        found = {v["id"]: v["impact"] for v in page.evaluate(RUN_AXE)}
    finally:
        context.close()
    assert found.get("image-alt") == "critical" and found.get("label") == "critical", found
