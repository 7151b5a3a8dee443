"""Your Squads and the pages of groups and people."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.e2e.server import DemoPortal
from tests.e2e.ui import SQUAD, SQUAD_MEMBER, api_total, column_texts, sign_in_as

SQUAD_PAGE = f"/catalog/default/group/{SQUAD}"


def test_your_squads_shows_the_squad_and_what_it_owns(page: Page, portal: DemoPortal) -> None:
    sign_in_as(page, SQUAD_MEMBER, next_path="/squads")

    sections = page.get_by_role("navigation", name="Portal sections")
    expect(sections.locator("a[aria-current=page]")).to_have_text("Your Squads")
    card = page.get_by_role("region", name="Payments Core")
    expect(card).to_contain_text("part of Payments Colony")
    expect(card).to_contain_text("Payment initiation and orchestration")
    components = api_total(portal, "kind=component", f"relations.ownedBy=group:default/{SQUAD}")
    owned_components = card.get_by_role("link", name=re.compile(r"^\d+ Components?$"))
    expect(owned_components).to_have_text(re.compile(rf"^{components} Components?$"))

    owned_components.click()

    page.wait_for_url(re.compile(r"/catalog\?.*owner="))
    expect(page.locator("#catalog-results [role=status]")).to_contain_text(f"of {components}")
    assert set(column_texts(page, "owner")) == {SQUAD}


def test_group_page_shows_profile_members_and_owned_entities(page: Page) -> None:
    page.goto("/catalog?user=all&q=gateway")
    page.get_by_role("row").filter(has_text="Payment Gateway").get_by_role(
        "link", name=SQUAD
    ).click()

    page.wait_for_url(f"**{SQUAD_PAGE}")
    expect(page.get_by_role("heading", name="Payments Core", level=1)).to_be_visible()
    profile = page.get_by_role("region", name="Profile")
    expect(profile).to_contain_text("squad")
    expect(profile.get_by_role("link", name="Payments Colony")).to_have_attribute(
        "href", "/catalog/default/group/payments-colony"
    )
    members = page.get_by_role("region", name=re.compile(r"^Members \(\d+\)$"))
    expect(members.get_by_role("link", name="Mads Olsen")).to_have_attribute(
        "href", "/catalog/default/user/mads-olsen"
    )

    page.get_by_role("navigation", name="Payments Core sections").get_by_role(
        "link", name="Owned"
    ).click()

    page.wait_for_url(f"**{SQUAD_PAGE}/owned")
    owned = page.get_by_role("region", name=re.compile(r"^Owned by Payments Core"))
    expect(owned.get_by_role("link", name="Payment Gateway")).to_be_visible()
    expect(owned.locator("a[href='/catalog/default/component/ledger-service']")).to_be_visible()
    expect(owned.locator("a[href='/catalog/default/system/core-ledger']")).to_be_visible()


def test_a_person_page_lists_their_groups(page: Page) -> None:
    page.goto(f"/catalog/default/user/{SQUAD_MEMBER}")

    expect(page.get_by_role("heading", name="Mads Olsen", level=1)).to_be_visible()
    profile = page.get_by_role("region", name="Profile")
    expect(profile.get_by_role("link", name="Payments Core")).to_have_attribute("href", SQUAD_PAGE)
    expect(page.get_by_role("region", name="Ownership")).to_contain_text("Owned through")


def test_your_squads_without_an_identity_offers_to_choose_one(page: Page) -> None:
    page.goto("/squads")

    expect(page.get_by_role("note").filter(has_text="Nobody is signed in")).to_be_visible()
    page.get_by_role("link", name="Choose a user to act as").click()

    page.wait_for_url(re.compile(r"/auth/development\?next=(/|%2F)squads"))
    page.get_by_label("Filter users").fill(SQUAD_MEMBER)
    page.get_by_role("button", name="Filter").click()
    page.get_by_role("button", name=f"user:default/{SQUAD_MEMBER}").click()

    page.wait_for_url("**/squads")
    expect(page.get_by_role("region", name="Payments Core")).to_be_visible()
