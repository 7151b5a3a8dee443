"""The actions sign-in and the portal shell declare."""

from __future__ import annotations

from greenroom.auth.permissions import Action

AUTH_ACTIONS = [
    Action("portal.read", "Read the portal", read=True),
    Action("auth.token.create", "Create personal access tokens for yourself"),
    Action("auth.token.manage", "Manage every access token, and create service tokens"),
    Action("audit.read", "Read the audit log", read=True),
]
