"""The development identity: Owned by default, stars, the settings page and the theme."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.e2e.server import DemoPortal
from tests.e2e.ui import SQUAD, SQUAD_MEMBER, api_total, column_texts, sign_in_as, table_names

# Only this module stars anything, each test as its own user.
STARRING_USER = "priya-raman"  # also in Payments Core


def test_owned_is_the_default_view_of_a_squad_member(page: Page, portal: DemoPortal) -> None:
    page.goto("/catalog")
    page.locator(".whoami").get_by_role("link", name="Sign in").click()
    page.get_by_role("link", name="Choose a catalog user").click()
    page.wait_for_url(re.compile(r"/auth/development\?next="))

    sign_in_as(page, SQUAD_MEMBER)

    expect(page.locator(".whoami")).to_contain_text("Mads Olsen")
    whose = page.get_by_role("navigation", name="Whose entities")
    expect(whose.locator("[aria-current=true]")).to_contain_text("Owned")
    owned = api_total(portal, "kind=component", f"relations.ownedBy=group:default/{SQUAD}")
    expect(whose.get_by_role("link", name=re.compile("^Owned"))).to_contain_text(str(owned))
    expect(page.locator("#catalog-results [role=status]")).to_contain_text(
        f"of {owned} component entities owned by you or your groups"
    )
    assert set(column_texts(page, "owner")) == {SQUAD}
    assert len(table_names(page)) == owned


def test_starring_a_component_from_its_row(page: Page) -> None:
    sign_in_as(page, STARRING_USER)
    page.evaluate("window.__e2eNoReload = 'still here'")
    whose = page.get_by_role("navigation", name="Whose entities")
    expect(whose.get_by_role("link", name=re.compile("^Starred"))).to_contain_text("0")
    row = page.get_by_role("row").filter(has=page.get_by_role("link", name="Payment Gateway"))

    row.get_by_role("button", name="Star component:default/payment-gateway").click()

    unstar = row.get_by_role("button", name="Unstar component:default/payment-gateway")
    expect(unstar).to_have_attribute("aria-pressed", "true")
    assert page.evaluate("window.__e2eNoReload") == "still here", "starring reloaded the page"

    whose.get_by_role("link", name=re.compile("^Starred")).click()

    page.wait_for_url(re.compile(r"[?&]user=starred(&|$)"))
    expect(whose.get_by_role("link", name=re.compile("^Starred"))).to_contain_text("1")
    expect(whose.locator("[aria-current=true]")).to_contain_text("Starred")
    assert table_names(page) == ["payment-gateway"]

    page.goto("/settings")
    starred = page.get_by_role("region", name="Starred entities")
    expect(starred.get_by_role("link", name="Payment Gateway")).to_have_attribute(
        "href", "/catalog/default/component/payment-gateway"
    )
    expect(page.get_by_role("region", name="Profile")).to_contain_text("Priya Raman")


def test_keyboard_focus_stays_on_the_star_button(page: Page) -> None:
    sign_in_as(page, "signe-vestergaard", next_path="/catalog?user=all&q=ledger")
    star = page.get_by_role("button", name="Star component:default/ledger-service")
    star.focus()

    page.keyboard.press("Enter")

    unstar = page.get_by_role("button", name="Unstar component:default/ledger-service")
    expect(unstar).to_have_attribute("aria-pressed", "true")
    expect(unstar).to_be_focused(timeout=2000)


def test_starred_count_follows_starring(page: Page) -> None:
    sign_in_as(page, "helle-brandt", next_path="/catalog?user=all&q=ledger")
    whose = page.get_by_role("navigation", name="Whose entities")

    page.get_by_role("button", name="Star component:default/ledger-service").click()

    expect(
        page.get_by_role("button", name="Unstar component:default/ledger-service")
    ).to_be_visible()
    expect(whose.get_by_role("link", name=re.compile("^Starred"))).to_contain_text(
        "1", timeout=2000
    )


def test_switching_to_the_dark_theme(page: Page) -> None:
    page.goto("/settings")
    expect(page.locator("html")).to_have_attribute("data-theme", "auto")
    light = page.evaluate("getComputedStyle(document.body).backgroundColor")

    page.get_by_label("Dark").check()
    page.get_by_role("button", name="Save").click()

    page.wait_for_url("**/settings")
    expect(page.locator("html")).to_have_attribute("data-theme", "dark")
    expect(page.get_by_label("Dark")).to_be_checked()
    dark = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert dark != light
    assert luminance(dark) < 0.1 < luminance(light)

    page.goto("/catalog")
    expect(page.locator("html"), "the theme applies on every page").to_have_attribute(
        "data-theme", "dark"
    )


def luminance(css_rgb: str) -> float:
    red, green, blue = (int(part) / 255 for part in re.findall(r"\d+", css_rgb)[:3])
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue
