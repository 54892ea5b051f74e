"""Every string a person sees on the main pages is translated (issue 16.8 and its "done when"):
the browser asks for zh-CN or zh-TW, and each visible text node of each page must be a
translation from the catalogue of that language, the profile's own wording in it, or data.

A text is accepted when it is, in this order: a msgstr of the language's catalogues (lers's,
Django's and allauth's: the pages show all three) whole, or with its placeholders filled, or a
piece of one split by inline markup; the profile's text in that language (labels, checklist
messages, terms); or, once the data are taken out of it (what the test's rows hold: names,
references, titles, identifiers; and numbers, dates, times, emails, URLs, codes in capitals),
nothing but pieces of those. The test fails listing every other text, page by page.
"""

from __future__ import annotations

import pytest

from tests.browser.main_pages import new_page, walk, walk_data
from tests.browser.page_checks import (
    LANGUAGES,
    PLACEHOLDER,
    catalogue,
    untranslated,
    untranslated_on,
)

pytestmark = pytest.mark.browser


@pytest.mark.req("HX-16", "JU-17")
@pytest.mark.parametrize("locale", list(LANGUAGES))
@pytest.mark.parametrize("profile", ["binance", "ju"])
def test_every_visible_string_of_the_main_pages_is_translated(
    browser, live_server, browser_db, settings, profile, locale, request
):
    settings.LERS_POLICY = profile
    make_case = request.getfixturevalue("make_case")
    data = walk_data(
        make_case,
        request.getfixturevalue("officer_a"),
        request.getfixturevalue("analyst"),
        request.getfixturevalue("reviewer"),
    )
    language = LANGUAGES[locale]
    found: dict[str, list[str]] = {}

    def check(label: str, page) -> None:
        lang = page.locator("html").get_attribute("lang") or ""
        assert lang.lower().replace("_", "-") == language.lower().replace("_", "-"), (
            f"{label}: the page is in {lang!r}, not {language}"
        )
        english = untranslated_on(page, language)
        if english:
            found[label] = english

    with new_page(browser, live_server.url, locale) as page:
        walk(page, data, check)

    report = "\n".join(
        f"  {label}:\n" + "\n".join(f"    {text!r}" for text in texts)
        for label, texts in found.items()
    )
    assert not found, f"untranslated strings under {profile}, {locale}:\n{report}"


@pytest.mark.parametrize("language", list(LANGUAGES.values()))
def test_the_check_finds_english_and_lets_translations_and_data_through(db, language):
    """The check itself: English and raw codes are reported; the catalogue's text, whole or
    with its placeholders filled, and data around it are not."""
    whole, _patterns, _pieces_blob = catalogue(language)
    translated = next(
        text
        for text in sorted(whole)
        if "<" not in text and len(text) > 4 and not PLACEHOLDER.search(text)
    )
    texts = [
        "Send the answer",
        "account_restriction",
        translated,
        f"— {translated} →",
        "officer_a@a.police.uk · 2026-03-01 09:12 UTC",
        "TJCnKsPa7y5okkXvQAidZBzqx3QyQ6sxMW",
    ]
    assert untranslated(texts, language) == ["Send the answer", "account_restriction"]
