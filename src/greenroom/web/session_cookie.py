"""The session cookie's name and lifetime, shared by the middleware and the CSRF guard."""

from __future__ import annotations

SESSION_COOKIE = "greenroom_session"
SESSION_MAX_AGE_SECONDS = 14 * 24 * 3600
"""The cookie's own lifetime; a sign-in inside it lasts `auth.session_hours`."""
