"""What plugins hand to the portal's shell: sidebar entries, entity tabs, search results.

These are the return types of the `navigation_entries`, `entity_tabs` and
`search_results` hooks; a domain declares its pages with them and the shell
renders them in the same frame as the built-in ones.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from sqlalchemy.orm import Session
    from starlette.requests import Request

    from greenroom.auth.identity import Identity
    from greenroom.runtime import Runtime


@dataclass(frozen=True)
class NavEntry:
    """A link in the sidebar."""

    title: str
    path: str
    icon: str = "dot"
    """One of the icon names in `web/_icons.html` (catalog, squads, docs, apis, create, ...)."""
    order: int = 100
    section: Literal["main", "footer"] = "main"
    action: str | None = None
    """Shown only to people the policy allows this action (`audit.read` for the audit log)."""


@dataclass(frozen=True)
class EntityPage:
    """What a tab is given to build its context: the entity and the request around it."""

    request: Request
    session: Session
    runtime: Runtime
    entity: dict[str, Any]
    ref: str
    identity: Identity | None


@dataclass(frozen=True)
class EntityTab:
    """A tab on an entity's page, at `/catalog/{namespace}/{kind}/{name}/{key}`."""

    key: str
    """The URL segment; the empty string is the overview at the entity's own URL."""
    title: str
    template: str
    context: Callable[[EntityPage], Mapping[str, Any]]
    order: int = 100


@dataclass(frozen=True)
class SearchResult:
    """One hit of the global search."""

    title: str
    url: str
    kind: str
    """What the hit is, shown as a badge: `Component`, `API`, `Docs page`, ..."""
    text: str = ""
    owner: str | None = None
