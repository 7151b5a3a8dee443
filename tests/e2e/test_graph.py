"""The catalog graph: on an entity's overview, and its own page with its controls."""

from __future__ import annotations

import re

from playwright.sync_api import Locator, Page, expect

from tests.e2e.ui import ContextFactory

GATEWAY = "/catalog/default/component/payment-gateway"
GRAPH = "/catalog-graph?rootEntityRefs%5B%5D=component%3Adefault%2Fpayment-gateway"


def node(page: Page, title: str) -> Locator:
    """A node of the drawn graph, by the title on its box."""
    return page.locator("svg .graph-node").filter(has_text=title)


def test_the_overview_draws_the_neighbourhood(page: Page) -> None:
    page.goto(GATEWAY)

    drawing = page.get_by_role("region", name="Relations graph").get_by_role("img")
    expect(drawing).to_be_visible()
    expect(drawing).to_have_accessible_name(re.compile(r"^Catalog graph of \d+ entities"))
    expect(node(page, "Payment Gateway")).to_have_class(re.compile(r"\bis-root\b"))
    for neighbour in ("Payments Core", "Payment Processing", "Payments API", "Northwind Go Kit"):
        expect(node(page, neighbour)).to_have_count(1)

    node(page, "Northwind Go Kit").locator("a").click()

    page.wait_for_url("**/catalog/default/component/nw-go-kit")
    expect(page.get_by_role("heading", name="Northwind Go Kit", level=1)).to_be_visible()


def test_the_graph_page_redraws_when_a_control_changes(page: Page) -> None:
    page.goto(GATEWAY)
    page.get_by_role("link", name="Explore in the catalog graph").click()
    page.wait_for_url(re.compile(r"/catalog-graph\?"))
    status = page.locator("#graph-view [role=status]")
    expect(status).to_contain_text(re.compile(r"\d+ entities"))
    first = int(re.findall(r"\d+", status.inner_text())[0])
    page.evaluate("window.__e2eNoReload = 'still here'")

    page.get_by_label("Max depth").select_option("2")

    page.wait_for_url(re.compile(r"maxDepth=2"))
    expect(status).not_to_contain_text(f"{first} entities")
    assert int(re.findall(r"\d+", status.inner_text())[0]) > first
    assert page.evaluate("window.__e2eNoReload") == "still here"
    expect(node(page, "Payment Gateway")).to_have_class(re.compile(r"\bis-root\b"))

    page.reload()

    expect(page.get_by_label("Max depth")).to_have_value("2")


def test_the_graph_page_without_roots_explains_itself(page: Page) -> None:
    page.goto("/catalog-graph")

    expect(page.get_by_role("heading", name="Catalog graph", level=1)).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text("Choose root entities")
    expect(page.get_by_label("Root entities (one ref per line)")).to_have_value("")

    page.get_by_label("Root entities (one ref per line)").fill("system:default/core-ledger")
    page.get_by_role("button", name="Draw").click()

    expect(node(page, "Core Ledger").first).to_be_visible()
    assert "core-ledger" in page.url


def test_graph_page_link_works_without_javascript(new_context: ContextFactory) -> None:
    page = new_context(java_script_enabled=False).new_page()
    page.goto(GATEWAY)

    page.get_by_role("link", name="Open the graph of payment-gateway").click()

    page.wait_for_url(re.compile(r"/catalog-graph\?"))
    expect(node(page, "Payment Gateway")).to_have_class(re.compile(r"\bis-root\b"))
