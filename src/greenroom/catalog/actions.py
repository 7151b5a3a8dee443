"""The catalog's permission actions."""

from __future__ import annotations

from greenroom.auth.permissions import Action

CATALOG_ACTIONS = [
    Action("catalog.entity.refresh", "Refresh an entity", resource_type="entity"),
    Action("catalog.entity.delete", "Delete an entity", resource_type="entity"),
    Action("catalog.refresh.all", "Refresh the whole catalog"),
    Action("catalog.location.create", "Register a location"),
    # Not a read: it makes the server read files and URLs, so it needs someone signed in.
    Action("catalog.location.analyze", "Analyze a location"),
    Action("catalog.location.delete", "Unregister a location", resource_type="location"),
]
