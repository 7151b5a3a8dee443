"""An entity's page: About, tabs, the Inspect dialog, and a readable 404."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

GATEWAY = "/catalog/default/component/payment-gateway"


def test_component_page_from_the_table(page: Page) -> None:
    page.goto("/catalog?q=gateway")
    page.get_by_role("link", name="Payment Gateway").click()

    page.wait_for_url(f"**{GATEWAY}")
    expect(page.get_by_role("heading", name="Payment Gateway", level=1)).to_be_visible()
    about = page.get_by_role("region", name="About")
    expect(about).to_contain_text("Public entry point for payment initiation")
    expect(about.get_by_role("link", name="payments-core")).to_have_attribute(
        "href", "/catalog/default/group/payments-core"
    )
    expect(about.get_by_role("link", name="payment-processing")).to_have_attribute(
        "href", "/catalog/default/system/payment-processing"
    )
    expect(about).to_contain_text(re.compile(r"Lifecycle\s*production"))
    tabs = page.get_by_role("navigation", name="Payment Gateway sections")
    expect(tabs.get_by_role("link", name="Overview")).to_have_attribute("aria-current", "page")

    tabs.get_by_role("link", name="Dependencies").click()

    page.wait_for_url(f"**{GATEWAY}/dependencies")
    expect(tabs.get_by_role("link", name="Dependencies")).to_have_attribute("aria-current", "page")
    depends_on = page.get_by_role("region", name="Depends on")
    expect(depends_on.get_by_role("link", name="Northwind Go Kit")).to_be_visible()
    expect(depends_on.get_by_role("link", name="Payment Orchestrator")).to_be_visible()
    expect(page.get_by_role("region", name="Dependency of")).to_contain_text("Payment Scheduler")

    tabs.get_by_role("link", name="APIs").click()

    page.wait_for_url(f"**{GATEWAY}/api")
    expect(tabs.get_by_role("link", name="APIs")).to_have_attribute("aria-current", "page")
    expect(page.get_by_role("region", name="Provided APIs")).to_contain_text("Payments API")
    consumed = page.get_by_role("region", name="Consumed APIs")
    for api in ("Accounts API", "FX Rates API"):
        expect(consumed.get_by_role("link", name=api)).to_be_visible()


def test_inspect_opens_a_modal_dialog_that_escape_closes(page: Page) -> None:
    page.goto(GATEWAY)
    inspect = page.get_by_role("link", name="Inspect")

    inspect.click()

    dialog = page.locator("dialog[open]")
    expect(dialog).to_be_visible()
    expect(
        dialog.get_by_role("heading", name="Inspect component:default/payment-gateway")
    ).to_be_focused()
    expect(dialog.locator("pre").first).to_contain_text("name: payment-gateway")
    expect(dialog.locator("pre").first).to_contain_text("owner: payments-core")
    assert page.evaluate("document.getElementById('dialog').matches(':modal')")
    assert page.url.endswith(GATEWAY), "the dialog opens in place, without navigating"

    page.keyboard.press("Escape")

    expect(page.locator("dialog[open]")).to_have_count(0)
    expect(inspect, "focus goes back to the button that opened the dialog").to_be_focused()

    inspect.click()
    expect(page.locator("dialog[open]")).to_be_visible()
    page.locator("dialog[open]").get_by_role("button", name="Close").click()
    expect(page.locator("dialog[open]")).to_have_count(0)


def test_unknown_entity_is_a_404_page_in_the_portal_frame(page: Page) -> None:
    response = page.goto("/catalog/default/component/no-such-thing")

    assert response is not None
    assert response.status == 404
    assert response.headers["content-type"].startswith("text/html")
    expect(page.get_by_role("heading", name="Not found", level=1)).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text("no-such-thing")
    expect(page.get_by_role("navigation", name="Portal sections")).to_be_visible()
    expect(page.get_by_role("search")).to_be_visible()
    page.get_by_role("link", name="Back to the catalog").click()
    page.wait_for_url("**/catalog")


def test_unknown_tab_is_a_404_page(page: Page) -> None:
    response = page.goto(GATEWAY + "/no-such-tab")

    assert response is not None
    assert response.status == 404
    expect(page.get_by_role("heading", name="Not found", level=1)).to_be_visible()
