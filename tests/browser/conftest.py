"""Browser tests: pages walked in a real headless Chromium (CONVENTIONS.md, "Real parts").

The browser is Debian's Chromium (``.ci/browser-setup`` installs it), driven by the Python
``playwright`` package; Playwright's own browser download cannot reach its servers from here,
so ``playwright install`` is never run. Without playwright or Chromium these tests skip, unless
``LERS_BROWSER_TESTS=required`` (CI), where they fail instead.

axe-core, the accessibility checker test_accessibility.py runs in each page, is the npm package
pinned in package.json and package-lock.json; ``.ci/browser-setup`` installs it with ``npm ci``
into node_modules/ (never committed).

Environment:
    LERS_BROWSER_TESTS   "required": a missing browser is an error; "" or "auto": a skip.
    LERS_CHROMIUM        the Chromium executable (default: ``chromium`` on PATH).
    LERS_SCREENSHOT_DIR  where each test's screenshot goes (default: <repo>/var/screenshots).

A browser test asks for ``page`` (a fresh context on pytest-django's live server, over
``browser_db``) and, for pictures of steps, ``screenshot``; it imports Playwright's names
through ``tests.browser.flows`` so that a machine without playwright still collects it. The
context's language is ``browser_locale`` (None: Playwright's default, English); a test that
walks in another language parametrises it (``zh-CN``, ``zh-HK``...).
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Callable, Generator, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page
    from pytest_django.live_server_helper import LiveServer

REPO = Path(__file__).resolve().parents[2]
VIEWPORT = {"width": 1280, "height": 900}
DEFAULT_TIMEOUT_MS = 10_000
# Headless comes from Playwright's headless=True, and a fresh --user-data-dir from Playwright
# itself (a new temporary profile per launch; it refuses --user-data-dir in args). The rest keep
# Chromium off the network: this machine refuses every connection but loopback.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
MODES = ("", "auto", "required")


def pytest_configure(config: pytest.Config) -> None:
    # pyproject runs with --strict-markers; the marker is registered here, beside its tests.
    config.addinivalue_line("markers", "browser: walks pages in a real headless Chromium")


def _browser_tests_required() -> bool:
    mode = os.environ.get("LERS_BROWSER_TESTS", "").strip().lower()
    if mode not in MODES:
        # A typo must not turn CI's "required" into a quiet skip.
        pytest.fail(f"LERS_BROWSER_TESTS={mode!r}: expected one of {MODES}", pytrace=False)
    return mode == "required"


def _unavailable(reason: str) -> NoReturn:
    if _browser_tests_required():
        pytest.fail(f"LERS_BROWSER_TESTS=required, but {reason}", pytrace=False)
    pytest.skip(f"browser tests: {reason}")


@pytest.fixture(scope="session")
def chromium_executable() -> str:
    _browser_tests_required()  # a bad LERS_BROWSER_TESTS is an error, browser or not
    configured = os.environ.get("LERS_CHROMIUM", "").strip()
    if configured:
        if not Path(configured).is_file():
            # Set on purpose and wrong: an error even when the tests are optional.
            pytest.fail(f"LERS_CHROMIUM={configured}: no such file", pytrace=False)
        return configured
    found = shutil.which("chromium")
    if found is None:
        _unavailable("no Chromium (run .ci/browser-setup, or set LERS_CHROMIUM)")
    return found


@pytest.fixture(scope="session")
def browser(chromium_executable: str) -> Iterator[Browser]:
    try:
        from playwright.sync_api import expect, sync_playwright
    except ImportError:
        _unavailable("the Python package playwright is not installed (pip install playwright)")

    # Playwright's sync API keeps an asyncio loop running on this thread for as long as it is
    # started, and Django's ORM refuses to run where a loop runs ("SynchronousOnlyOperation").
    # The tests' ORM calls are plain synchronous code, so lift the guard while Playwright runs:
    # from the first browser test to the end of this process's session.
    saved = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    expect.set_options(timeout=DEFAULT_TIMEOUT_MS)
    playwright = sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(
            executable_path=chromium_executable, headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield chromium
        finally:
            chromium.close()
    finally:
        playwright.stop()
        if saved is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = saved


@pytest.fixture
def browser_db(committed_db: None) -> Iterator[None]:
    """Committed data: the live server reads it from another thread."""
    yield


def _screenshot_directory() -> Path:
    configured = os.environ.get("LERS_SCREENSHOT_DIR", "").strip()
    return Path(configured) if configured else REPO / "var" / "screenshots"


@pytest.fixture(scope="session")
def screenshot_dir() -> Path:
    directory = _screenshot_directory()
    directory.mkdir(parents=True, exist_ok=True)
    return directory


def _screenshot_path(directory: Path, item: pytest.Item, label: str = "") -> Path:
    name = re.sub(r"[^A-Za-z0-9_.-]+", "-", item.name).strip("-")
    return directory / (f"{name}--{label}.png" if label else f"{name}.png")


@pytest.fixture
def browser_locale() -> str | None:
    """The language the browser asks for (its Accept-Language); parametrised by a test."""
    return None


@pytest.fixture
def page(
    request: pytest.FixtureRequest,
    browser: Browser,
    live_server: LiveServer,
    browser_db: None,
    screenshot_dir: Path,
    browser_locale: str | None,
) -> Iterator[Page]:
    """A fresh browser context per test on the live server; its screenshot is saved after
    the test, passed or failed, as ``<screenshot dir>/<test name>.png``."""
    language = {"locale": browser_locale} if browser_locale else {}
    context = browser.new_context(viewport=VIEWPORT, base_url=live_server.url, **language)
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    tab = context.new_page()
    try:
        yield tab
    finally:
        try:
            tab.screenshot(path=_screenshot_path(screenshot_dir, request.node), full_page=True)
        finally:
            context.close()


@pytest.fixture
def screenshot(
    request: pytest.FixtureRequest, page: Page, screenshot_dir: Path
) -> Callable[..., Path]:
    """``screenshot("label")`` saves the page now, as ``<test name>--<label>.png``;
    ``screenshot("label", of=tab)`` another tab of the test (a second browser's)."""

    def take(label: str, of: Page | None = None) -> Path:
        path = _screenshot_path(screenshot_dir, request.node, re.sub(r"\W+", "-", label))
        (of or page).screenshot(path=path, full_page=True)
        return path

    return take


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report = yield
    # Point a failure's report at the picture the page fixture saves during teardown.
    if report.when == "call" and report.failed and "page" in getattr(item, "funcargs", {}):
        path = _screenshot_path(_screenshot_directory(), item)
        report.sections.append(("browser screenshot", str(path)))
    return report
