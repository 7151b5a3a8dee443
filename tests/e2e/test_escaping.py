"""Whatever a team writes in a descriptor reaches the page as text, and no script runs.

The portal serves `hostile-widget` (tests/e2e/server.py): markup in its title,
description and link title, `javascript:` URLs in its view and edit annotations.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Dialog, Page, expect

from tests.e2e.server import HOSTILE_DESCRIPTION, HOSTILE_NAME, HOSTILE_TITLE, DemoPortal
from tests.e2e.ui import sign_in_as

HOSTILE_PAGE = f"/catalog/default/component/{HOSTILE_NAME}"
# Links a browser would run as script, read as the browser reads them (tabs and
# newlines dropped, leading controls and spaces ignored, any letter case).
SCRIPT_HREFS = """() => [...document.querySelectorAll("a[href]")]
  .map(a => a.getAttribute("href"))
  .filter(href => /^[\\x00-\\x20]*(javascript|data|vbscript):/i
    .test(href.replace(/[\\t\\n\\r]/g, "")))"""
INJECTED_ELEMENTS = (
    "() => document.querySelectorAll('img[src=x], main script, b[onmouseover]').length"
)


@pytest.fixture
def alerts(page: Page) -> list[str]:
    """Every alert/confirm/prompt the page opens; a test ends by asserting there were none."""
    opened: list[str] = []

    def record(dialog: Dialog) -> None:
        opened.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", record)
    return opened


def assert_inert(page: Page) -> None:
    assert page.evaluate(INJECTED_ELEMENTS) == 0
    assert page.evaluate(SCRIPT_HREFS) == []


def test_markup_in_the_catalog_table_is_text(page: Page, alerts: list[str]) -> None:
    page.goto(f"/catalog?user=all&q={HOSTILE_NAME}")

    row = page.get_by_role("row").filter(has_text="Hostile widget")
    expect(row.get_by_role("link", name=HOSTILE_TITLE)).to_be_visible()
    expect(row).to_contain_text(HOSTILE_DESCRIPTION)
    expect(row.get_by_role("link", name=f"View source of {HOSTILE_NAME}")).to_have_count(0)
    expect(row.get_by_role("link", name=f"Edit {HOSTILE_NAME}")).to_have_count(0)
    assert_inert(page)
    assert alerts == []


def test_markup_and_script_links_on_the_entity_page_are_inert(
    page: Page, alerts: list[str]
) -> None:
    page.goto(HOSTILE_PAGE)

    expect(page.get_by_role("heading", level=1)).to_contain_text(HOSTILE_TITLE)
    expect(page).to_have_title(f"{HOSTILE_TITLE} · Northwind portal")
    about = page.get_by_role("region", name="About")
    expect(about).to_contain_text(HOSTILE_DESCRIPTION)
    for name in ("View source", "Edit metadata"):
        link = about.get_by_role("link", name=name)
        if link.count():
            expect(link).to_have_attribute("href", "#")
    runbook = page.get_by_role("region", name="Links").get_by_role("link")
    expect(runbook).to_have_text("<b onmouseover=alert('link')>Runbook</b>")
    expect(runbook).to_have_attribute("href", "https://example.com/runbook")
    runbook.hover()
    assert_inert(page)

    page.get_by_role("link", name="Inspect").click()

    dialog = page.locator("dialog[open]")
    expect(dialog.locator("pre").first).to_contain_text(HOSTILE_DESCRIPTION)
    expect(dialog.locator("pre").first).to_contain_text(HOSTILE_TITLE)
    assert_inert(page)
    assert alerts == []


def test_a_search_term_is_echoed_as_text(page: Page, alerts: list[str]) -> None:
    term = '"><img src=x onerror=alert(2)>'
    page.goto("/catalog")

    page.get_by_label("Search the portal").fill(term)
    page.get_by_label("Search the portal").press("Enter")

    page.wait_for_url("**/search?q=*")
    expect(page.get_by_label("Search the portal")).to_have_value(term)
    expect(page.get_by_role("status")).to_contain_text(term)
    assert_inert(page)

    page.goto("/catalog?q=" + term.replace("#", ""))
    expect(page.get_by_label("Search", exact=True)).to_have_value(term)
    assert_inert(page)
    assert alerts == []


def test_a_javascript_link_is_refused_when_registering(
    page: Page, portal: DemoPortal, alerts: list[str]
) -> None:
    catalog_file = portal.root / "script-link" / "catalog-info.yaml"
    catalog_file.parent.mkdir()
    catalog_file.write_text(
        "apiVersion: backstage.io/v1alpha1\nkind: Component\n"
        "metadata:\n  name: script-link\n  links:\n"
        "    - url: \"javascript:alert('registered')\"\n      title: Click me\n"
        "spec:\n  type: service\n  lifecycle: production\n  owner: payments-core\n",
        encoding="utf-8",
    )
    sign_in_as(page, "tobias-berg", next_path="/catalog-import")
    page.get_by_label("Repository URL, catalog file URL, or path").fill(str(catalog_file))

    page.get_by_role("button", name="Analyze").click()

    problems = page.get_by_role("region", name="Analysis of").get_by_role("alert")
    expect(problems).to_contain_text("javascript:, data: and vbscript: links")
    expect(page.get_by_role("row").filter(has_text="default/script-link")).to_have_count(0)
    assert_inert(page)
    assert alerts == []
