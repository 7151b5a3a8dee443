"""The catalog index: columns, filters (htmx, with the URL kept in step), search, sort, pages."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.e2e.server import DemoPortal
from tests.e2e.ui import api_total, column_texts, query_of, table_names

MARKER = "window.__e2eNoReload"


def set_reload_marker(page: Page) -> None:
    """A value that lives until the next full page load: htmx swaps must keep it."""
    page.evaluate(f"{MARKER} = 'still here'")


def reload_marker(page: Page) -> object:
    return page.evaluate(f"{MARKER}")


def test_lists_components_with_owner_system_type_and_lifecycle(
    page: Page, portal: DemoPortal
) -> None:
    page.goto("/catalog")

    expect(page.get_by_role("heading", name="Catalog", level=1)).to_be_visible()
    headers = [h.strip() for h in page.locator("#catalog-results thead th").all_inner_texts()]
    for column in ("NAME", "SYSTEM", "OWNER", "TYPE", "LIFECYCLE"):
        assert any(h.upper().startswith(column) for h in headers), headers
    total = api_total(portal, "kind=component")
    expect(page.locator("#catalog-results [role=status]")).to_contain_text(
        f"1\N{EN DASH}20 of {total}"
    )
    row = page.get_by_role("row").filter(has=page.get_by_role("link", name="Account Service"))
    expect(row).to_have_count(1)
    expect(row.get_by_role("link", name="core-ledger")).to_have_attribute(
        "href", "/catalog/default/system/core-ledger"
    )
    expect(row.get_by_role("link", name="payments-core")).to_have_attribute(
        "href", "/catalog/default/group/payments-core"
    )
    expect(row.get_by_role("cell", name="service", exact=True)).to_be_visible()
    expect(row.get_by_role("cell", name="production", exact=True)).to_be_visible()


def test_type_filter_updates_the_table_in_place_and_the_url_reproduces_it(
    page: Page, portal: DemoPortal
) -> None:
    page.goto("/catalog")
    set_reload_marker(page)
    type_filter = page.locator("#filter-type")
    type_filter.focus()

    type_filter.select_option("library")

    page.wait_for_url(re.compile(r"[?&]type=library(&|$)"))
    assert "=&" not in page.url + "&", f"empty filters stay out of the URL: {page.url}"
    libraries = api_total(portal, "kind=component", "spec.type=library")
    expect(page.locator("#catalog-results [role=status]")).to_contain_text(f"of {libraries} ")
    assert set(column_texts(page, "type")) == {"library"}
    assert reload_marker(page) == "still here", "changing a filter reloaded the whole page"
    expect(page.locator("#filter-type"), "focus stays on the filter").to_be_focused()
    filtered = table_names(page)

    page.reload()

    assert reload_marker(page) is None
    expect(page.locator("#filter-type option[value=library]")).to_have_js_property("selected", True)
    assert table_names(page) == filtered
    assert query_of(page.url)["type"] == ["library"]


def test_search_box_filters_as_you_type(page: Page) -> None:
    page.goto("/catalog")
    set_reload_marker(page)

    page.get_by_label("Search", exact=True).fill("ledger")

    page.wait_for_url(re.compile(r"[?&]q=ledger(&|$)"))
    names = table_names(page)
    assert "ledger-service" in names
    assert 0 < len(names) < 10, names
    for row in page.locator("#catalog-results tbody tr").all():
        assert "ledger" in row.inner_text().lower()
    assert reload_marker(page) == "still here"


def test_sorting_by_owner_from_the_column_header(page: Page) -> None:
    page.goto("/catalog")
    owner_header = page.locator("#catalog-results thead th").filter(has_text="Owner")
    expect(owner_header).to_have_attribute("aria-sort", "none")
    by_name = table_names(page)

    owner_header.get_by_role("link").click()

    page.wait_for_url(re.compile(r"sort=owner"))
    owner_header = page.locator("#catalog-results thead th").filter(has_text="Owner")
    expect(owner_header).to_have_attribute("aria-sort", "ascending")
    name_header = page.locator("#catalog-results thead th").filter(has_text="Name")
    expect(name_header).to_have_attribute("aria-sort", "none")
    ascending = column_texts(page, "owner")
    assert ascending == sorted(ascending)
    assert table_names(page) != by_name

    owner_header.get_by_role("link").click()

    expect(owner_header).to_have_attribute("aria-sort", "descending")
    descending = column_texts(page, "owner")
    assert descending == sorted(descending, reverse=True)
    assert descending[0] > ascending[0]


def test_next_page(page: Page, portal: DemoPortal) -> None:
    page.goto("/catalog")
    total = api_total(portal, "kind=component")
    pages = -(-total // 20)
    expect(page.get_by_role("navigation", name="Pages")).to_contain_text(f"Page 1 of {pages}")
    expect(page.get_by_role("link", name="Previous")).to_have_count(0)
    first_page = table_names(page)

    page.get_by_role("link", name="Next").click()

    page.wait_for_url(re.compile(r"[?&]page=2(&|$)"))
    expect(page.get_by_role("navigation", name="Pages")).to_contain_text(f"Page 2 of {pages}")
    expect(page.locator("#catalog-results [role=status]")).to_contain_text(
        f"21\N{EN DASH}40 of {total}"
    )
    second_page = table_names(page)
    assert len(second_page) == 20
    assert not set(first_page) & set(second_page)
    assert second_page[0] > first_page[-1]
    expect(page.get_by_role("link", name="Previous")).to_be_visible()


def test_name_column_is_in_the_order_it_shows(page: Page) -> None:
    page.goto("/catalog?user=all")

    # The column sorts by the entity's name, which it shows (under the title, when there
    # is one): the order the index walks, so a sorted page costs no sort of all matches.
    shown = table_names(page)
    assert shown == sorted(shown, key=str.casefold)
