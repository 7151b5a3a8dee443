"""A phone: the sidebar collapses into a menu and the catalog still works."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.e2e.ui import ContextFactory, column_texts

PHONE = {"width": 390, "height": 844}


def phone_page(new_context: ContextFactory) -> Page:
    return new_context(viewport=PHONE, is_mobile=True, has_touch=True).new_page()


# How wide the page lays out; wider than the screen means scrolling sideways.
PAGE_WIDTH = "document.documentElement.scrollWidth"


def test_sidebar_collapses_into_a_menu(new_context: ContextFactory) -> None:
    page = phone_page(new_context)
    page.goto("/catalog")

    menu = page.locator("details.nav-toggle")
    expect(menu).not_to_have_attribute("open", re.compile(".*"))
    expect(page.get_by_role("navigation", name="Portal sections")).to_be_hidden()
    expect(page.get_by_label("Search the portal")).to_be_visible()

    page.get_by_text("Menu", exact=True).click()

    sections = page.get_by_role("navigation", name="Portal sections")
    expect(sections).to_be_visible()
    sections.get_by_role("link", name="APIs").click()

    page.wait_for_url("**/api-docs")
    expect(page.get_by_role("heading", name="APIs", level=1)).to_be_visible()
    expect(page.locator("details.nav-toggle")).not_to_have_attribute("open", re.compile(".*"))


def test_catalog_filters_work_on_a_phone(new_context: ContextFactory) -> None:
    page = phone_page(new_context)
    page.goto("/catalog")

    page.get_by_label("Type", exact=True).select_option("website")

    page.wait_for_url(re.compile(r"[?&]type=website(&|$)"))
    assert set(column_texts(page, "type")) == {"website"}
    page.get_by_label("Search", exact=True).fill("web bank")
    page.wait_for_url(re.compile(r"[?&]q=web(%20|\+)bank(&|$)"))
    expect(page.get_by_role("link", name="Web Bank")).to_be_visible()


def test_catalog_fits_a_phone_screen(new_context: ContextFactory) -> None:
    page = phone_page(new_context)
    page.goto("/catalog?type=website")

    assert page.evaluate(PAGE_WIDTH) == PHONE["width"], "the catalog scrolls sideways on a phone"
    expect(page.get_by_label("Lifecycle", exact=True)).to_be_in_viewport()
    link = page.get_by_role("link", name="Web Bank")
    link.tap(timeout=3000)

    page.wait_for_url("**/catalog/default/component/web-bank")
    expect(page.get_by_role("region", name="About")).to_be_visible()


def test_entity_page_fits_a_phone_screen(new_context: ContextFactory) -> None:
    page = phone_page(new_context)
    page.goto("/catalog/default/component/payment-gateway")

    assert page.evaluate(PAGE_WIDTH) == PHONE["width"]
    expect(page.get_by_role("region", name="About")).to_be_visible()
    page.get_by_role("link", name="Dependencies").tap()
    page.wait_for_url("**/payment-gateway/dependencies")
    assert page.evaluate(PAGE_WIDTH) == PHONE["width"]
