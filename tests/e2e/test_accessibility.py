"""Keyboard and screen-reader basics: the skip link, labelled controls, the current page."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.ui import sign_in_as

FILTER_LABELS = {
    "Search": "filter-q",
    "Kind": "filter-kind",
    "Type": "filter-type",
    "Owner": "filter-owner",
    "Lifecycle": "filter-lifecycle",
    "Tags": "filter-tag",
    "Namespace": "filter-namespace",
    "Processing status": "filter-status",
}

# Every visible control without an accessible name (label, aria-label(ledby), text, title).
UNLABELLED_CONTROLS = """() => {
  const hidden = el =>
    el.type === "hidden" || el.closest("[hidden]") || !el.getClientRects().length;
  const named = el => {
    if (el.getAttribute("aria-label")?.trim()) return true;
    const ids = el.getAttribute("aria-labelledby");
    const text = id => document.getElementById(id)?.textContent.trim();
    if (ids && ids.split(/\\s+/).some(text)) return true;
    if (el.labels && [...el.labels].some(label => label.textContent.trim())) return true;
    if (el.matches("button, a, summary") && el.textContent.trim()) return true;
    return Boolean(el.getAttribute("title")?.trim());
  };
  return [...document.querySelectorAll("input, select, textarea, button, a[href], summary")]
    .filter(el => !hidden(el) && !named(el))
    .map(el => el.outerHTML.slice(0, 160));
}"""


def test_skip_link_is_the_first_stop_and_moves_focus_to_main(page: Page) -> None:
    page.goto("/catalog")

    page.keyboard.press("Tab")

    skip = page.get_by_role("link", name="Skip to content")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()

    page.keyboard.press("Enter")

    expect(page.get_by_role("main")).to_be_focused()
    page.keyboard.press("Tab")
    assert page.evaluate("document.getElementById('main').contains(document.activeElement)")


def test_every_catalog_filter_has_a_label(page: Page) -> None:
    page.goto("/catalog")
    for label, control_id in FILTER_LABELS.items():
        control = page.get_by_label(label, exact=True)
        expect(control, f"the {label!r} filter").to_have_count(1)
        expect(control).to_have_attribute("id", control_id)
    expect(page.get_by_label("Search the portal")).to_have_attribute("type", "search")


def test_every_control_has_an_accessible_name(page: Page) -> None:
    sign_in_as(page, "freja-nielsen")
    unlabelled = {}
    for path in (
        "/catalog",
        "/catalog?kind=api&user=all",
        "/catalog/default/component/payment-gateway",
        "/settings",
        "/catalog-import",
        "/search?q=ledger",
        "/auth/development",
    ):
        page.goto(path)
        unlabelled[path] = page.evaluate(UNLABELLED_CONTROLS)

    assert unlabelled == {path: [] for path in unlabelled}


@pytest.mark.parametrize(
    ("path", "current"),
    [
        ("/catalog", "Catalog"),
        ("/catalog/default/component/payment-gateway", "Catalog"),
        ("/api-docs", "APIs"),
        ("/docs", "Docs"),
        ("/settings", "Settings"),
    ],
)
def test_sidebar_marks_the_current_section(page: Page, path: str, current: str) -> None:
    page.goto(path)

    sections = page.get_by_role("navigation", name="Portal sections")
    marked = sections.locator("a[aria-current=page]")
    expect(marked).to_have_count(1)
    expect(marked).to_have_text(current)
