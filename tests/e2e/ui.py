"""What the browser tests do and read on the portal's pages, as a person would."""

from __future__ import annotations

import json
from collections.abc import Callable
from urllib.parse import parse_qs, urlencode, urlsplit
from urllib.request import urlopen

from playwright.sync_api import BrowserContext, Page

from tests.e2e.server import DemoPortal

# A member of the Payments Core squad, which owns payment-gateway, ledger-service, ...
SQUAD_MEMBER = "mads-olsen"
SQUAD = "payments-core"

ContextFactory = Callable[..., BrowserContext]
"""The `new_context` fixture: opens a browser context with Playwright's options."""


def sign_in_as(page: Page, user: str, next_path: str = "/catalog") -> None:
    """Choose a user on the development identity page, as a person trying the portal does."""
    page.goto("/auth/development?" + urlencode({"next": next_path}))
    page.get_by_label("Filter users").fill(user)
    page.get_by_role("button", name="Filter").click()
    with page.expect_navigation() as navigation:
        page.get_by_role("button", name=f"user:default/{user}").click()
    response = navigation.value
    assert response is not None, f"choosing {user} on /auth/development did not navigate"
    assert response.ok, (
        f"choosing {user} on /auth/development ended on {page.url} with HTTP "
        f"{response.status}: {page.locator('main').inner_text()[:300]}"
    )
    assert local_url(page.url) == next_path, f"expected to land on {next_path}, not {page.url}"


def local_url(url: str) -> str:
    """The path and query of a URL, as the portal's links write them."""
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def table_names(page: Page) -> list[str]:
    """The catalog table's entity names (metadata.name), in display order."""
    values = page.locator("#catalog-results tbody input[data-select-row]").evaluate_all(
        "boxes => boxes.map(box => box.value)"
    )
    return [str(value).rsplit("/", 1)[-1] for value in values]


def column_texts(page: Page, column: str) -> list[str]:
    """The cells of one catalog column (by its header text), in display order."""
    headers = page.locator("#catalog-results thead th").all_inner_texts()
    index = next(i for i, text in enumerate(headers) if text.strip().lower().startswith(column))
    cells = page.locator(f"#catalog-results tbody tr td:nth-child({index + 1})")
    return [text.strip() for text in cells.all_inner_texts()]


def query_of(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query)


def api_total(portal: DemoPortal, *filters: str) -> int:
    """How many entities the JSON API finds, to check what a page claims against."""
    query = urlencode([("filter", ",".join(filters)), ("limit", "1")])
    with urlopen(portal.url(f"/api/catalog/entities/by-query?{query}"), timeout=10) as response:
        body = json.load(response)
    return int(body["totalItems"])
