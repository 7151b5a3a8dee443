"""The README's screenshots, taken from the real portal serving the demo organisation.

    .venv/bin/python -m tests.e2e.screenshots [--out docs/images]

Uses the browser tests' server (tests/e2e/server.py, without their hostile
component) and Debian's chromium at 1400x900. Signed in as a Payments Core
squad member, so the catalog opens on the Owned view.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import Browser, Page, ViewportSize, expect, sync_playwright

from tests.e2e.server import (
    CHROMIUM,
    CHROMIUM_ARGS,
    REPO_ROOT,
    DemoPortal,
    MissingBrowserError,
    serve_demo,
)
from tests.e2e.ui import SQUAD, SQUAD_MEMBER, sign_in_as

VIEWPORT: ViewportSize = {"width": 1400, "height": 900}
TIMEOUT_MS = 15_000


def catalog(page: Page) -> None:
    page.goto("/catalog")
    expect(page.locator("#catalog-results [role=status]")).to_contain_text("owned by you")


def entity(page: Page) -> None:
    page.goto("/catalog/default/component/payment-gateway")
    expect(page.get_by_role("region", name="Relations graph").get_by_role("img")).to_be_visible()


def graph(page: Page) -> None:
    page.goto("/catalog-graph?rootEntityRefs%5B%5D=system%3Adefault%2Fcore-ledger&maxDepth=1")
    drawing = page.locator("#graph-view").get_by_role("img")
    expect(drawing).to_be_visible()
    # The controls come first; show the whole drawing and as much of them as fits.
    drawing.evaluate("svg => svg.closest('figure').scrollIntoView({block: 'end'})")


def squad(page: Page) -> None:
    page.goto(f"/catalog/default/group/{SQUAD}")
    expect(page.get_by_role("region", name="Profile")).to_be_visible()


def catalog_dark(page: Page) -> None:
    page.goto("/settings")
    page.get_by_label("Dark").check()
    page.get_by_role("button", name="Save").click()
    expect(page.locator("html")).to_have_attribute("data-theme", "dark")
    catalog(page)


SHOTS: dict[str, Callable[[Page], None]] = {
    "catalog.png": catalog,
    "entity.png": entity,
    "graph.png": graph,
    "squad.png": squad,
    "catalog-dark.png": catalog_dark,
}


def take(browser: Browser, portal: DemoPortal, out: Path) -> list[Path]:
    written = []
    for name, show in SHOTS.items():
        context = browser.new_context(
            base_url=portal.base_url, viewport=VIEWPORT, color_scheme="light"
        )
        context.set_default_timeout(TIMEOUT_MS)
        page = context.new_page()
        sign_in_as(page, SQUAD_MEMBER)
        show(page)
        page.evaluate("document.fonts.ready")
        path = out / name
        page.screenshot(path=str(path), animations="disabled", caret="hide")
        written.append(path)
        context.close()
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=REPO_ROOT / "docs" / "images")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    try:
        with (
            tempfile.TemporaryDirectory(prefix="greenroom-screenshots-") as scratch,
            serve_demo(Path(scratch), hostile=False) as portal,
            sync_playwright() as driver,
        ):
            browser = driver.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            try:
                written = take(browser, portal, args.out)
            finally:
                browser.close()
    except MissingBrowserError as exc:
        print(exc, file=sys.stderr)
        return 1
    for path in written:
        print(path.relative_to(REPO_ROOT) if path.is_relative_to(REPO_ROOT) else path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
