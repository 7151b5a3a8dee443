"""Browser tests: the real portal, served by uvicorn, driven in headless Debian chromium.

One portal (the Northwind demo organisation, plus a hostile component) and one
browser per session; every test gets fresh browser contexts, so cookies (the
development identity, the theme) never leak between tests. Chromium must be
Debian's (`/usr/bin/chromium`): Playwright's own browsers are never downloaded.
A failing test leaves a screenshot of each of its pages in `test-results/e2e/`.
"""

from __future__ import annotations

import re
from collections.abc import Generator, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import (
    Browser,
    BrowserContext,
    Page,
    Playwright,
    ViewportSize,
    sync_playwright,
)

from tests.e2e.server import (
    CHROMIUM,
    CHROMIUM_ARGS,
    DemoPortal,
    MissingBrowserError,
    require_test_environment,
    serve_demo,
)
from tests.e2e.ui import ContextFactory

HERE = Path(__file__).resolve().parent
VIEWPORT: ViewportSize = {"width": 1400, "height": 900}
TIMEOUT_MS = 10_000


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "e2e: drives the real UI in headless chromium (tests/e2e; `make e2e`)"
    )


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if HERE in Path(item.path).parents:
            item.add_marker(pytest.mark.e2e)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item,
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Keep each phase's report on the item, so fixtures can tell that the test failed."""
    report = yield
    setattr(item, f"e2e_report_{report.when}", report)
    return report


def _fail_without_browser() -> None:
    """Chromium or htmx missing fails every test with what to run; nothing is skipped."""
    try:
        require_test_environment()
    except MissingBrowserError as exc:
        problem = str(exc)
    else:
        return
    pytest.fail(problem, pytrace=False)


@pytest.fixture(scope="session")
def portal(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoPortal]:
    """The demo organisation (181 entities, plus `hostile-widget`) served on 127.0.0.1."""
    _fail_without_browser()
    with serve_demo(tmp_path_factory.mktemp("portal")) as running:
        yield running


@pytest.fixture(scope="session")
def driver() -> Iterator[Playwright]:
    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def browser(driver: Playwright) -> Iterator[Browser]:
    _fail_without_browser()
    launched = driver.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    yield launched
    launched.close()


@pytest.fixture
def new_context(
    browser: Browser, portal: DemoPortal, request: pytest.FixtureRequest
) -> Iterator[ContextFactory]:
    """Open browser contexts (JavaScript off, a phone's viewport, ...), closed after the test.

    An uncaught JavaScript error on any of their pages fails the test.
    """
    contexts: list[BrowserContext] = []
    errors: list[str] = []

    def open_context(**options: object) -> BrowserContext:
        options.setdefault("viewport", VIEWPORT)
        options.setdefault("color_scheme", "light")
        context = browser.new_context(base_url=portal.base_url, **options)  # type: ignore[arg-type]
        context.set_default_timeout(TIMEOUT_MS)
        context.on(
            "weberror",
            lambda error: errors.append(f"{error.page and error.page.url}: {error.error}"),
        )
        contexts.append(context)
        return context

    yield open_context
    report = getattr(request.node, "e2e_report_call", None)
    if report is not None and report.failed:
        _screenshot_failure(request, contexts)
    for context in contexts:
        context.close()
    assert not errors, f"JavaScript errors on the page: {errors}"


def _screenshot_failure(request: pytest.FixtureRequest, contexts: list[BrowserContext]) -> None:
    folder = request.config.rootpath / "test-results" / "e2e"
    folder.mkdir(parents=True, exist_ok=True)
    name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.name)
    for index, context in enumerate(contexts):
        for number, open_page in enumerate(context.pages):
            path = folder / f"{name}-{index}-{number}.png"
            try:
                open_page.screenshot(path=str(path), full_page=True)
            except Exception as exc:
                print(f"no screenshot of {open_page.url}: {exc}")
            else:
                print(f"screenshot of {open_page.url} at the failure: {path}")


@pytest.fixture
def page(new_context: ContextFactory) -> Page:
    """A page in a fresh browser context (no identity, light theme, 1400x900)."""
    return new_context().new_page()
