"""Every page works without JavaScript: plain links and forms, the same URLs."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.e2e.ui import ContextFactory, column_texts, query_of


def test_catalog_filters_and_entity_pages_work_without_javascript(
    new_context: ContextFactory,
) -> None:
    page = new_context(java_script_enabled=False).new_page()
    page.goto("/catalog")
    expect(page.get_by_role("row").filter(has_text="Account Service")).to_have_count(1)

    page.locator("#filter-type").select_option("library")
    page.get_by_role("button", name="Apply").click()

    page.wait_for_url(re.compile(r"[?&]type=library(&|$)"))
    assert query_of(page.url)["type"] == ["library"]
    assert set(column_texts(page, "type")) == {"library"}

    page.get_by_role("link", name="Northwind Go Kit").click()

    page.wait_for_url("**/catalog/default/component/nw-go-kit")
    expect(page.get_by_role("heading", name="Northwind Go Kit", level=1)).to_be_visible()
    expect(page.get_by_role("region", name="About")).to_contain_text("library")

    page.get_by_role("link", name="Inspect").click()

    page.wait_for_url("**/catalog/default/component/nw-go-kit/inspect")
    expect(page.locator("main pre").first).to_contain_text("name: nw-go-kit")
