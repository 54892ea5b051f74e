"""What the browser tests check on each page they pass (issue 16's "done when"): every string
a person sees is translated, and axe-core finds no serious or critical violation.

The translation check: the browser asks for zh-CN, zh-TW or zh-HK, and each visible text node
of the page must be a translation from the catalogue of that language, the profile's own
wording in it, or data. A text is accepted when it is, in this order: a msgstr of the
language's catalogues (lers's, Django's and allauth's: the pages show all three) whole, or with
its placeholders filled, or a piece of one split by inline markup; the profile's text in that
language (labels, checklist messages, terms); or, once the data are taken out of it (what the
test's rows hold: names, references, titles, identifiers; and numbers, dates, times, emails,
URLs, codes in capitals), nothing but pieces of those.

The accessibility check: axe-core, from its npm package (package.json; .ci/browser-setup runs
``npm ci``), run in the page.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import polib
import pytest
from django.apps import apps
from django.conf import settings as django_settings
from django.db import models

from lers.cases.lifecycle import State
from lers.core.policy import active_policy
from tests.conftest import PATHS, transition_kwargs

if TYPE_CHECKING:
    from playwright.sync_api import Page

REPO = Path(__file__).resolve().parents[2]
LANGUAGES = {"zh-CN": "zh_Hans", "zh-TW": "zh_Hant"}

# Every visible text node of the page, and the visible value of buttons given by <input>.
# Skipped: what is not shown (hidden elements, closed <details> bodies, <template>), what is
# not words (script, style, code, pre, kbd, samp), what is marked as data (translate="no"),
# and what the page marks as written in another language (lang="en" on a profile's terms that
# have no text in the reader's language: shown as the profile wrote them, and said so).
VISIBLE_TEXTS = """() => {
  const skip = new Set(["SCRIPT", "STYLE", "NOSCRIPT", "TEMPLATE", "CODE", "PRE", "KBD", "SAMP"]);
  const page = document.documentElement.lang.toLowerCase();
  const shown = (element) => {
    for (let node = element; node && node !== document.body; node = node.parentElement) {
      if (skip.has(node.tagName) || node.getAttribute("translate") === "no") return false;
      const lang = node.getAttribute("lang");
      if (lang && lang.toLowerCase() !== page) return false;
    }
    if (element.tagName === "OPTION") return shown(element.closest("select") || element);
    return element.checkVisibility({visibilityProperty: true, opacityProperty: false});
  };
  const texts = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const text = node.nodeValue.replace(/\\s+/g, " ").trim();
    if (text && node.parentElement && shown(node.parentElement)) texts.push(text);
  }
  for (const input of document.querySelectorAll(
      'input[type="submit"], input[type="button"], input[type="reset"]')) {
    if (input.value.trim() && shown(input)) texts.push(input.value.trim());
  }
  return texts;
}"""

PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]|%[sdif]|\{\w*\}")
TAG = re.compile(r"<[^>]+>")
DATA_PATTERNS = [
    r"https?://\S+",
    r"[\w.+-]+@[\w-]+(\.[\w-]+)+",
    r"\d{4}-\d{2}-\d{2}(?:[ T]\d{2}:\d{2}(?::\d{2})?)?(?:\s*UTC)?",
    r"\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日",
    r"\d{1,2}:\d{2}(?::\d{2})?",
    r"\b0x[0-9a-fA-F]+\b",
    r"\b(?=[A-Za-z0-9_-]*\d)[A-Za-z0-9_-]{12,}\b",  # addresses, TXIDs, references
    r"\b[A-Z][A-Z0-9]{1,7}\b",  # codes and tickers: ETH, USDT, TRC20, UTC, KYC, UID
    r"#?[+\-]?\d[\d\s.,:/%+\-]*",  # numbers, and numbered things: #1
]
# Fields the product fills with its own wording, not the people's: on screen, translated.
PRODUCT_WORDING = {
    ("Target", "check_reason"),
    ("SubjectMatch", "evidence"),  # what the exchange's records matched, in lers's words
    ("AccessRequest", "domain_status"),  # the registry's verdict, a code
    ("AccessRequest", "domain_reason"),  # and its reason, in the registry's words
    ("Production", "stage"),  # where the worker is, a code
}
# What is left once the data and the catalogue's pieces are out: punctuation and space.
NOT_WORDS = re.compile(r"^[\s\W_]*$")
# Punctuation and arrows around a text that the catalogue's own text does not carry.
AROUND = " \t—–-→←·:：,，.。;；⚠✓✗…"


@cache
def catalogue(directory: str) -> tuple[frozenset[str], re.Pattern[str] | None, str]:
    """The translations of a language (lers's, Django's, allauth's): whole, as patterns with
    their placeholders, and as one blob to find the pieces markup splits them into."""
    import allauth
    import django

    files = [
        REPO / "lers" / "locale" / directory / "LC_MESSAGES" / "django.po",
        Path(django.__file__).parent / "conf" / "locale" / directory / "LC_MESSAGES" / "django.po",
        Path(allauth.__file__).parent / "locale" / directory / "LC_MESSAGES" / "django.po",
    ]
    texts: set[str] = set()
    for path in files:
        if not path.exists():
            continue
        for entry in polib.pofile(str(path)):
            if entry.obsolete or "fuzzy" in entry.flags:
                continue
            for text in [entry.msgstr, *entry.msgstr_plural.values()]:
                if text:
                    texts.add(" ".join(text.split()))
    whole = {TAG.sub("", text).strip() for text in texts}
    patterns = [
        "".join(
            ".+?" if PLACEHOLDER.fullmatch(part) else re.escape(part)
            for part in re.split(f"({PLACEHOLDER.pattern})", TAG.sub(" ", text))
            if part
        ).replace(r"\ ", r"\s*")
        for text in texts
        if PLACEHOLDER.search(text)
    ]
    pieces = "\n".join(
        piece.strip()
        for text in texts
        for piece in re.split(f"{TAG.pattern}|{PLACEHOLDER.pattern}", text)
        if piece.strip()
    )
    combined = re.compile("|".join(f"(?:{p})" for p in patterns)) if patterns else None
    return frozenset(texts | whole), combined, pieces


def profile_texts(language: str) -> set[str]:
    """The active profile's own wording in ``language`` (zh-Hant: its traditional text, the
    simplified one where it has none, as lers.core.i18n.localised shows it)."""
    found: set[str] = set()
    hant = language == "zh_Hant"

    def visit(value: object) -> None:
        if isinstance(value, dict):
            for key in ("label", "message"):
                simplified, traditional = value.get(f"{key}_zh"), value.get(f"{key}_zh_hant")
                chosen = (traditional or simplified) if hant else simplified
                if isinstance(chosen, str):
                    found.add(" ".join(chosen.split()))
            text = value.get("text")
            if isinstance(text, dict):
                chosen = text.get("zh-hant" if hant else "zh-hans") or text.get("zh-hans")
                if isinstance(chosen, str):
                    found.update(" ".join(line.split()) for line in chosen.splitlines())
                    found.add(" ".join(chosen.split()))
            for item in value.values():
                visit(item)
        elif isinstance(value, list | tuple):
            for item in value:
                visit(item)

    visit(active_policy().model_dump())
    return {text for text in found if text}


def data_texts() -> list[str]:
    """What the test's rows hold in their free-text fields (a name, a title, a reference, an
    identifier, the officer's own wording), longest first; coded fields (with choices) are not
    data: a code on screen is a label left untranslated."""
    found: set[str] = {"lers", active_policy().profile.name}
    found.update(name for _code, name in django_settings.LANGUAGES)
    for model in apps.get_models():
        if not model.__module__.startswith(("lers.", "django.contrib.auth")):
            continue
        fields = [
            field.attname
            for field in model._meta.concrete_fields
            if isinstance(field, models.CharField | models.TextField | models.EmailField)
            and not field.choices
            and (model.__name__, field.name) not in PRODUCT_WORDING
        ]
        if not fields:
            continue
        for row in model.objects.values_list(*fields):
            for value in row:
                if isinstance(value, str) and value.strip():
                    found.add(" ".join(value.split()))
                    found.update(" ".join(line.split()) for line in value.splitlines())
    from lers.accounts.models import User

    found.update(str(user) for user in User.objects.all())
    # What the services were given when the cases were driven to their states (notes, reasons).
    found.update(
        value
        for kwargs in map(transition_kwargs, PATHS[State.CLOSED] + ["decline", "withdraw"])
        for value in kwargs.values()
        if isinstance(value, str)
    )
    return sorted((text for text in found if len(text) > 1), key=len, reverse=True)


def _pieces(text: str, data: list[str], first: str) -> list[str]:
    """What is left of a text once the data are out, in pieces: data strings first, or the
    data patterns first (a number inside a name, an email inside a longer string)."""

    def strings(rest: str) -> str:
        for value in data:
            if value in rest:
                rest = rest.replace(value, "\n")
        return rest

    def patterns(rest: str) -> str:
        for pattern in DATA_PATTERNS:
            rest = re.sub(pattern, "\n", rest)
        return rest

    rest = patterns(strings(text)) if first == "data" else strings(patterns(text))
    # A Chinese full stop ends a sentence: a message of two translated sentences is two pieces.
    return [part.strip(AROUND) for part in re.split(r"[\n·|()（）:：,，;；—→。]+", rest)]


def untranslated(texts: list[str], language: str, typed: Iterable[str] = ()) -> list[str]:
    """``typed``: what the test itself typed into the pages (notes, reasons) that the rows do
    not hold as text of their own (the record's JSON payloads): data too."""
    whole, patterns, pieces = catalogue(language)
    profile = profile_texts(language)
    data = sorted({*data_texts(), *typed}, key=len, reverse=True)
    data_set = set(data)
    blob = pieces + "\n" + "\n".join(profile)
    left: list[str] = []
    for shown in dict.fromkeys(texts):
        text = shown.strip(AROUND) or shown
        if {shown, text} & (whole | profile | data_set):
            continue
        if patterns is not None and (patterns.fullmatch(shown) or patterns.fullmatch(text)):
            continue
        if len(text) > 1 and text in blob:
            continue
        if any(
            all(NOT_WORDS.match(part) or part in blob for part in _pieces(shown, data, first))
            for first in ("data", "patterns")
        ):
            continue
        left.append(shown)
    return left


def untranslated_on(page: Page, language: str, typed: Iterable[str] = ()) -> list[str]:
    """The visible texts of ``page`` that are not in ``language`` (a catalogue directory)."""
    return untranslated(page.evaluate(VISIBLE_TEXTS), language, typed)


AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING = {"serious", "critical"}
# axe.run() resolves to the results; only what a test reports is sent back.
RUN_AXE = """async () => {
  const results = await axe.run(document, {resultTypes: ["violations"]});
  return results.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help,
    targets: v.nodes.map((n) => n.target.join(" ")),
  }));
}"""


def axe_path() -> Path:
    if not AXE.is_file():
        pytest.fail(f"{AXE} is missing: run .ci/browser-setup (npm ci)", pytrace=False)
    return AXE


def axe_violations(page: Page) -> list[str]:
    """axe-core's serious and critical violations on ``page``, one line each."""
    page.add_script_tag(path=str(axe_path()))
    return [
        f"{v['id']} ({v['impact']}, {len(v['targets'])}×): {v['targets'][0]} — {v['help']}"
        for v in page.evaluate(RUN_AXE)
        if v["impact"] in BLOCKING
    ]
