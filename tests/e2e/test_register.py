"""Registering an existing component: analyze, import, and it is in the catalog at once."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.e2e.server import DemoPortal
from tests.e2e.ui import sign_in_as

# Registering needs someone signed in; unregistering, an owner of what it gave.
REGISTRANT = "tobias-berg"  # in Payments Core, which owns the new component

NEW_COMPONENT = """\
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: e2e-statement-printer
  title: Statement Printer
  description: Renders monthly account statements as PDF.
spec:
  type: service
  lifecycle: experimental
  owner: payments-core
  system: core-ledger
"""


def test_register_analyze_import_and_open(page: Page, portal: DemoPortal) -> None:
    catalog_file = portal.root / "statement-printer" / "catalog-info.yaml"
    catalog_file.parent.mkdir()
    catalog_file.write_text(NEW_COMPONENT, encoding="utf-8")
    sign_in_as(page, REGISTRANT)
    page.get_by_role("link", name="Register existing component").click()
    page.wait_for_url("**/catalog-import")

    page.get_by_label("Repository URL, catalog file URL, or path").fill(str(catalog_file))
    page.get_by_role("button", name="Analyze").click()

    analysis = page.get_by_role("region", name=re.compile("^Analysis of"))
    # The generated Location entity is listed beside the component, as in Backstage.
    expect(analysis).to_contain_text("2 entities would be created")
    row = analysis.get_by_role("row").filter(has_text="default/e2e-statement-printer")
    expect(row).to_contain_text("Component")
    expect(row).to_contain_text("payments-core")

    analysis.get_by_role("button", name="Import").click()

    registered = page.get_by_role("status").filter(has_text="Registered")
    expect(registered).to_contain_text(str(catalog_file))
    registered.get_by_role("link", name="Statement Printer").click()

    page.wait_for_url("**/catalog/default/component/e2e-statement-printer")
    expect(page.get_by_role("heading", name="Statement Printer", level=1)).to_be_visible()
    expect(page.get_by_role("region", name="About")).to_contain_text(
        "Renders monthly account statements as PDF."
    )

    page.goto("/catalog?q=statement")
    expect(page.get_by_role("link", name="Statement Printer")).to_be_visible()

    # Registered through the portal, so it can be unregistered there too.
    page.goto("/catalog/default/component/e2e-statement-printer")
    page.get_by_role("link", name="Unregister").click()
    expect(page.get_by_role("main")).to_contain_text(str(catalog_file))
    page.get_by_role("button", name="Unregister location").click()

    page.wait_for_url(re.compile(r"/catalog\?user=all$"))
    response = page.goto("/catalog/default/component/e2e-statement-printer")
    assert response is not None
    assert response.status == 404


def test_a_path_outside_the_registration_roots_is_refused(page: Page) -> None:
    sign_in_as(page, REGISTRANT, next_path="/catalog-import")
    field = page.get_by_label("Repository URL, catalog file URL, or path")

    field.fill("/etc/passwd")
    page.get_by_role("button", name="Analyze").click()

    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("Cannot register this")
    expect(alert).to_contain_text("not under a folder that allows registration")
    expect(page.get_by_role("button", name="Import")).to_have_count(0)
    expect(page.get_by_label("Repository URL, catalog file URL, or path")).to_have_value(
        "/etc/passwd"
    )
