"""The main pages of both sides, walked in any language (issue 16's "done when": no
untranslated string, no serious accessibility violation on them).

The officer's portal (the access request page, the case list, a case page, every page of the
request form) and the staff workbench (the queue, a case page in triage and one in legal
review). Data comes from the services, as in the other browser tests; the browser starts bare
and signs in through the sign-in page with the TOTP code. Sign-in here finds its fields by name,
not by their English labels, so that it works whatever language the browser asks for.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.urls import reverse

from lers.cases import services
from lers.cases.lifecycle import State
from lers.portal.forms import PAGES
from tests.browser.conftest import DEFAULT_TIMEOUT_MS, VIEWPORT
from tests.browser.flows import _fresh_totp_code, expect
from tests.conftest import PASSWORD

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

    from lers.accounts.models import User
    from lers.cases.models import Case

# A visited page: a label for the report, and the page on screen.
Visit = Callable[[str, "Page"], None]


@dataclass(frozen=True)
class Walk:
    """The people and cases the walk needs."""

    officer: User
    analyst: User
    reviewer: User
    in_triage: Case
    in_review: Case
    draft: Case


def walk_data(make_case, officer_a, analyst, reviewer) -> Walk:
    """One case in triage and one in legal review (both officer_a's, with the team on them),
    and a complete draft for the request form's pages, with two mistyped identifiers (the
    check's reasons are on the page)."""
    draft = make_case(State.DRAFT)
    for value, chain in (("not an identifier", ""), ("0x1234", "ETH")):
        services.target_add(case=draft, by=officer_a, kind="address", value=value, chain=chain)
    return Walk(
        officer=officer_a,
        analyst=analyst,
        reviewer=reviewer,
        in_triage=make_case(State.TRIAGE),
        in_review=make_case(State.LEGAL_REVIEW),
        draft=draft,
    )


@contextmanager
def new_page(browser: Browser, base_url: str, locale: str) -> Iterator[Page]:
    """A bare browser (a fresh context, no cookies) whose language is ``locale``."""
    context = browser.new_context(viewport=VIEWPORT, base_url=base_url, locale=locale)
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    try:
        yield context.new_page()
    finally:
        context.close()


def sign_in(page: Page, user: User) -> None:
    """The sign-in page and the second factor, in whatever language the page is in."""
    page.context.clear_cookies()  # the next person signs in on a bare browser
    page.goto(reverse("account_login"))
    page.locator('input[name="login"]').fill(user.username)
    page.locator('input[name="password"]').fill(PASSWORD)
    page.locator(f'form[action="{reverse("account_login")}"] button[type="submit"]').click()
    expect(page).not_to_have_url(re.compile(re.escape(reverse("account_login")) + "$"))
    if page.url.split("?")[0].endswith(reverse("mfa_authenticate")):
        page.locator('input[name="code"]').fill(_fresh_totp_code(user.pk))
        page.locator('form:has(input[name="code"]) button[type="submit"]').first.click()
        expect(page).not_to_have_url(re.compile(re.escape(reverse("mfa_authenticate"))))


def walk(page: Page, data: Walk, visit: Visit) -> list[str]:
    """Every main page, ``visit`` called on each once it has loaded; the labels visited."""
    seen: list[str] = []

    def go(label: str, url: str) -> None:
        response = page.goto(url)
        assert response is not None and response.ok, f"{label}: {url} answered {response}"
        page.wait_for_load_state("networkidle")
        seen.append(label)
        visit(label, page)

    page.context.clear_cookies()
    go("portal: access request", reverse("portal-access"))

    sign_in(page, data.officer)
    go("portal: case list", reverse("portal-cases"))
    go("portal: case page", reverse("portal-case", args=[data.in_triage.reference]))
    go("portal: new request", reverse("portal-request-new"))
    for step in PAGES:
        url = reverse("portal-request-step", args=[data.draft.reference, step])
        go(f"portal: request form, {step}", url)

    sign_in(page, data.analyst)
    go("workbench: queue", reverse("home"))
    go("workbench: case in triage", reverse("workbench-case", args=[data.in_triage.reference]))

    sign_in(page, data.reviewer)
    go("workbench: queue (reviewer)", reverse("home"))
    go(
        "workbench: case in legal review",
        reverse("workbench-case", args=[data.in_review.reference]),
    )
    return seen
