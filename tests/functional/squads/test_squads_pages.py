"""Your Squads and the Group and User pages: people, hierarchy and ownership, through HTTP."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.functional.conftest import Portal, PortalFactory, write
from tests.functional.squads.org import ORG, OWNED
from tests.functional.squads.pages import catalog_link, counts, links_of

PAYMENTS = "group:default/payments"
TEAM_A = "group:default/team-a"
TEAM_B = "group:default/team-b"
ADA = "user:default/ada"


@pytest.fixture
def portal(make_portal: PortalFactory, tmp_path: Path) -> Portal:
    write(tmp_path / "catalog" / "org.yaml", ORG)
    write(tmp_path / "catalog" / "owned.yaml", OWNED)
    portal = make_portal([{"type": "file", "target": str(tmp_path / "catalog" / "*.yaml")}])
    portal.process()
    return portal


def page(portal: Portal, url: str) -> str:
    response = portal.browser.get(url, headers={"Accept": "text/html"})
    assert response.status_code == 200, response.text
    html: str = response.text
    return html


def act_as(portal: Portal, user_ref: str) -> None:
    portal.sign_in(user_ref)


def catalog_names(portal: Portal, url: str) -> set[str]:
    """The names the catalog index lists at `url` (links to entities of the kind asked for)."""
    kind = parse_qs(urlsplit(url).query)["kind"][0]
    html = page(portal, url)
    prefix = f"/catalog/default/{kind}/"
    return {text for href, text in links_of(html) if href and href.startswith(prefix)}


# --- group pages -----------------------------------------------------------------


def test_a_colony_page_shows_its_profile_children_and_members(portal: Portal) -> None:
    html = page(portal, "/catalog/default/group/payments")
    links = links_of(html)
    assert ("/catalog/default/group/team-a", "Team A") in links
    assert ("/catalog/default/group/team-b", "Team B") in links
    assert ("/catalog/default/user/cleo", "Cleo Colony") in links
    assert ("mailto:payments@example.com", "payments@example.com") in links
    assert ("https://chat.example/payments", "Payments chat") in links
    assert "Members (1)" in html
    assert "Colony lead" in html
    assert '<img class="avatar" src="https://img.example/cleo.png"' in html


def test_a_squad_page_shows_its_colony_and_its_people(portal: Portal) -> None:
    html = page(portal, "/catalog/default/group/team-a")
    links = links_of(html)
    assert ("/catalog/default/group/payments", "Payments Colony") in links
    assert ("/catalog/default/user/ada", "Ada Lovelace") in links
    assert ("mailto:ada@example.com", "ada@example.com") in links
    assert "Squad lead" in html
    assert "Including the" not in html  # nothing sits below a squad


def test_a_colony_counts_what_it_owns_and_what_its_squads_own(portal: Portal) -> None:
    html = page(portal, "/catalog/default/group/payments")
    assert counts(html, "Owned by Payments Colony") == {
        "Component": (1, catalog_link("component", PAYMENTS)),
        "Resource": (1, catalog_link("resource", PAYMENTS)),
    }
    aggregated = counts(html, "Including the 2 groups below it")
    assert aggregated == {
        "API": (1, catalog_link("api", PAYMENTS, TEAM_A, TEAM_B)),
        "Component": (4, catalog_link("component", PAYMENTS, TEAM_A, TEAM_B)),
        "Resource": (1, catalog_link("resource", PAYMENTS, TEAM_A, TEAM_B)),
    }


def test_the_count_links_open_the_catalog_on_exactly_those_entities(portal: Portal) -> None:
    html = page(portal, "/catalog/default/group/payments")
    _, direct = counts(html, "Owned by Payments Colony")["Component"]
    _, aggregated = counts(html, "Including the 2 groups below it")["Component"]
    assert direct is not None
    assert aggregated is not None
    assert catalog_names(portal, direct) == {"platform-lib"}
    assert catalog_names(portal, aggregated) == {
        "platform-lib",
        "ledger",
        "checkout-web",
        "money-lib",
    }


def test_the_owned_tab_lists_the_groups_entities_then_its_squads(portal: Portal) -> None:
    html = page(portal, "/catalog/default/group/payments/owned")
    direct, through = html.split("Owned by the groups below it")
    assert re.search(r'href="/catalog/default/component/platform-lib"', direct)
    assert re.search(r'href="/catalog/default/resource/payments-db"', direct)
    assert "ledger" not in direct
    for path in ("component/ledger", "api/ledger-api", "component/checkout-web"):
        assert f'href="/catalog/default/{path}"' in through
    assert "other-svc" not in html


def test_a_description_with_markup_is_shown_as_text(portal: Portal) -> None:
    html = page(portal, "/catalog/default/group/payments")
    assert "Moves money &lt;script&gt;alert(&#34;owned&#34;)&lt;/script&gt;" in html
    assert "<script>alert" not in html


def test_a_javascript_picture_is_never_rendered(portal: Portal) -> None:
    html = page(portal, "/catalog/default/group/payments")
    assert "javascript:" not in html
    assert not re.search(r"<img[^>]*alert", html)


def test_a_javascript_link_renders_as_a_dead_link(portal: Portal) -> None:
    # The catalog refuses such links when it validates, so render the macro directly
    # with the portal's own template environment, as a descriptor that slipped through.
    environment = portal.client.app.state.frame.templates.env  # type: ignore[attr-defined]
    template = environment.from_string(
        '{% from "squads/_people.html" import links_list %}{{ links_list(entity) }}'
    )
    html = template.render(
        entity={"metadata": {"links": [{"url": " JaVaScRiPt:alert(1)", "title": "Evil"}]}}
    )
    assert links_of(html) == [("#", "Evil")]


def test_a_group_with_more_groups_below_than_one_link_takes_is_not_linked(
    make_portal: PortalFactory, tmp_path: Path
) -> None:
    squads = [f"s{n:02d}" for n in range(60)]
    documents = [
        "apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata: {name: big}\n"
        "spec: {type: colony, children: []}\n"
    ]
    for squad in squads:
        documents.append(
            f"apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata: {{name: {squad}}}\n"
            "spec: {type: squad, parent: big, children: []}\n"
        )
        documents.append(
            f"apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: {{name: c-{squad}}}\n"
            f"spec: {{type: service, lifecycle: production, owner: {squad}}}\n"
        )
    catalog = write(tmp_path / "big" / "catalog-info.yaml", "---\n".join(documents))
    portal = make_portal([{"type": "file", "target": str(catalog)}])
    portal.process()
    html = page(portal, "/catalog/default/group/big")
    assert counts(html, "Including the 60 groups below it") == {"Component": (60, None)}
    assert "more than 50 groups" in html
    owned = page(portal, "/catalog/default/group/big/owned")
    assert owned.count('href="/catalog/default/component/c-s') == 60


def test_groups_naming_each_other_as_children_do_not_loop(
    make_portal: PortalFactory, tmp_path: Path
) -> None:
    catalog = write(
        tmp_path / "loop" / "catalog-info.yaml",
        """\
apiVersion: backstage.io/v1alpha1
kind: Group
metadata: {name: north}
spec: {type: team, children: [south]}
---
apiVersion: backstage.io/v1alpha1
kind: Group
metadata: {name: south}
spec: {type: team, children: [north]}
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata: {name: compass}
spec: {type: service, lifecycle: production, owner: south}
""",
    )
    portal = make_portal([{"type": "file", "target": str(catalog)}])
    portal.process()
    html = page(portal, "/catalog/default/group/north")
    assert counts(html, "Including the 1 group below it") == {
        "Component": (1, catalog_link("component", "group:default/north", "group:default/south"))
    }


# --- user pages ------------------------------------------------------------------


def test_a_user_page_shows_groups_and_what_they_own_directly_and_through_them(
    portal: Portal,
) -> None:
    html = page(portal, "/catalog/default/user/ada")
    assert ("/catalog/default/group/team-a", "Team A") in links_of(html)
    assert counts(html, "Owned by Ada Lovelace directly") == {
        "Component": (1, catalog_link("component", ADA))
    }
    assert counts(html, "Owned through") == {
        "API": (1, catalog_link("api", TEAM_A)),
        "Component": (1, catalog_link("component", TEAM_A)),
    }
    assert counts(html, "All together") == {
        "API": (1, catalog_link("api", ADA, TEAM_A)),
        "Component": (2, catalog_link("component", ADA, TEAM_A)),
    }
    assert catalog_names(portal, catalog_link("component", ADA, TEAM_A)) == {"ada-tool", "ledger"}


def test_a_user_in_no_group_owns_nothing_and_says_so(portal: Portal) -> None:
    html = page(portal, "/catalog/default/user/dan")
    assert "Owns nothing directly." in html
    assert "Owned through" not in html


# --- Your Squads -----------------------------------------------------------------


def test_your_squads_is_in_the_sidebar(portal: Portal) -> None:
    html = page(portal, "/catalog")
    assert ("/squads", "Your Squads") in links_of(html)


def test_your_squads_without_anyone_signed_in_explains_and_lists_every_group(
    portal: Portal,
) -> None:
    html = page(portal, "/squads")
    links = links_of(html)
    assert ("/auth/development?next=/squads", "Choose a user to act as") in links
    assert "Squads and colonies in the catalog (4)" in html
    for path, name in [
        ("payments", "Payments Colony"),
        ("team-a", "Team A"),
        ("team-b", "Team B"),
        ("elsewhere", "Elsewhere"),
    ]:
        assert (f"/catalog/default/group/{path}", name) in links
    assert "&lt;script&gt;" in html
    assert "<script>alert" not in html


def test_your_squads_shows_the_signed_in_users_squad(portal: Portal) -> None:
    act_as(portal, ADA)
    html = page(portal, "/squads")
    assert "Choose a user to act as" not in html
    assert "Squads and colonies in the catalog" not in html
    links = links_of(html)
    assert ("/catalog/default/group/team-a", "Team A") in links
    assert ("/catalog/default/group/payments", "Payments Colony") in links  # its colony
    assert re.search(r"<dt>Members</dt><dd>1</dd>", html)
    assert counts(html, "Owned by Team A") == {
        "API": (1, catalog_link("api", TEAM_A)),
        "Component": (1, catalog_link("component", TEAM_A)),
    }
    assert "Team B" not in html


def test_your_squads_for_a_colony_member_counts_the_squads_below(portal: Portal) -> None:
    act_as(portal, "user:default/cleo")
    html = page(portal, "/squads")
    assert counts(html, "Including the 2 groups below it")["Component"] == (
        4,
        catalog_link("component", PAYMENTS, TEAM_A, TEAM_B),
    )


def test_your_squads_for_someone_in_no_group_lists_every_group(portal: Portal) -> None:
    act_as(portal, "user:default/dan")
    html = page(portal, "/squads")
    assert "Dan Nobody is not a member of any group" in html
    assert ("/catalog/default/group/elsewhere", "Elsewhere") in links_of(html)
