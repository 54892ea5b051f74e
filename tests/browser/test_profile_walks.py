"""Issue 16's walks under each shipped profile, each in another language (tests/browser/walks.py):
a new officer's access, the officer's request to its submission, and the staff's work on it to
a production the officer downloads. Every page they pass is free of axe-core's serious and
critical violations and, in Chinese, of untranslated strings."""

from __future__ import annotations

import pytest
from django.urls import reverse

from lers.cases import services
from tests.browser.main_pages import new_page
from tests.browser.walks import (
    DEPLOYMENTS,
    Walk,
    access_walk,
    directory_agency,
    request_walk,
    staff_walk,
)

pytestmark = pytest.mark.browser


@pytest.mark.req("BN-02", "HX-03", "HX-16", "JU-01", "JU-04", "JU-09", "JU-17", "X-01", "X-04")
@pytest.mark.parametrize(
    ("deployment", "browser_locale"),
    [(d, d.locale) for d in DEPLOYMENTS],
    ids=[d.id for d in DEPLOYMENTS],
)
def test_an_officer_and_the_staff_walk_a_request_from_access_to_download(
    browser,
    live_server,
    page,
    screenshot,
    settings,
    small_exchange,
    analyst,
    reviewer,
    approver,
    operator,
    tmp_path,
    deployment,
    browser_locale,
):
    settings.LERS_POLICY = deployment.profile
    # The deployment: its entities, its agency directory, its exchange (small_exchange), its staff.
    services.entities_sync(by=None)
    directory_agency(deployment)
    # The officer's browser (``page``), and the exchange's, where the staff sign in in turn.
    walk = Walk(page=page, snap=screenshot, deployment=deployment)
    with new_page(browser, live_server.url, deployment.locale) as office:
        staff = walk.elsewhere(office)

        officer = access_walk(walk, staff, browser, live_server.url, analyst, tmp_path)
        case = request_walk(walk, tmp_path)
        staff_walk(staff, walk, case, officer, analyst, reviewer, approver, operator)

    assert page.url.endswith(reverse("portal-case", args=[case.reference]))
    assert not walk.found, (
        f"under {deployment.profile}, {deployment.locale}, on {len(walk.seen)} pages:\n"
        + walk.report()
    )
