"""Permission checks for one request: the identity, the policy and the declared actions.

Routes declare their check as a dependency: `permission("catalog.location.create")`
for an action on the portal as a whole, or `AuthorizerDep` and then
`authorizer.check("catalog.entity.refresh", authorizer.entity(entity))` once the
resource is loaded. A state-changing route that needs no check says why with
`exempt("...")`. A test walks every route and fails on one that does neither.
Every decision is kept on the request for the audit log.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated, Any, cast

from fastapi import Depends, Request
from fastapi.params import Depends as DependsParam
from sqlalchemy.orm import Session

from greenroom.auth.identity import Identity
from greenroom.auth.permissions import Action, Decision, Policy, Resource
from greenroom.auth.request_identity import request_identity
from greenroom.catalog.columns import owner_ref
from greenroom.catalog.query_repository import CatalogQueryRepository
from greenroom.errors import ConfigurationError, NotAllowedError, NotAuthenticatedError
from greenroom.request_scope import SessionDep

DECISIONS_KEY = "permission_decisions"


@dataclass(frozen=True)
class Permissions:
    """The declared actions and the policy, built once when the app starts."""

    actions: dict[str, Action]
    policy: Policy


@dataclass(frozen=True)
class RecordedDecision:
    action: str
    resource: str | None
    decision: Decision
    read: bool


@dataclass
class Authorizer:
    request: Request
    session: Session
    identity: Identity | None
    permissions: Permissions
    decisions: list[RecordedDecision] = field(default_factory=list)

    def action(self, name: str) -> Action:
        try:
            return self.permissions.actions[name]
        except KeyError:
            raise ConfigurationError(f"permission {name!r} is checked but never declared") from None

    def decide(self, name: str, resource: Resource | None = None) -> Decision:
        return self.permissions.policy.decide(self.identity, self.action(name), resource)

    def can(self, name: str, resource: Resource | None = None) -> bool:
        """For pages: whether to offer the action at all (not recorded)."""
        return self.decide(name, resource).allowed

    def check(self, name: str, resource: Resource | None = None) -> None:
        """Allow the action or refuse the request with the policy's reason (recorded)."""
        action = self.action(name)
        decision = self.permissions.policy.decide(self.identity, action, resource)
        self.decisions.append(
            RecordedDecision(name, resource.ref if resource else None, decision, action.read)
        )
        if not decision.allowed:
            if self.identity is None:
                raise NotAuthenticatedError(decision.reason)
            raise NotAllowedError(decision.reason)

    def entity(self, entity: dict[str, Any]) -> Resource:
        metadata = entity["metadata"]
        ref = f"{entity['kind']}:{metadata.get('namespace') or 'default'}/{metadata['name']}"
        owner = owner_ref(entity)
        return Resource("entity", ref.lower(), (owner,) if owner else ())

    def location(self, location_id: str, source_key: str) -> Resource:
        """A registered location, owned by whoever owns everything it gave."""
        owners = CatalogQueryRepository(self.session).owners_of_source(source_key)
        return Resource("location", f"location:{location_id}", tuple(owners), all_owners=True)


def get_authorizer(request: Request, session: SessionDep) -> Authorizer:
    existing = getattr(request.state, "authorizer", None)
    if isinstance(existing, Authorizer):
        return existing
    authorizer = Authorizer(
        request=request,
        session=session,
        identity=request_identity(request, session),
        permissions=request.app.state.permissions,
    )
    request.state.authorizer = authorizer
    setattr(request.state, DECISIONS_KEY, authorizer.decisions)
    return authorizer


AuthorizerDep = Annotated[Authorizer, Depends(get_authorizer)]


class PermissionCheck:
    """The dependency every state-changing route carries (found by the route test)."""

    def __init__(
        self,
        action: str | None,
        exempt_reason: str | None = None,
        audit_action: str | None = None,
    ) -> None:
        self.action = action
        self.exempt_reason = exempt_reason
        self.audit_action = audit_action

    def __call__(self, request: Request, authorizer: AuthorizerDep) -> None:
        if self.action is not None:
            authorizer.check(self.action)
        elif self.exempt_reason is not None:
            request.state.permission_exempt = (self.audit_action, self.exempt_reason)


def permission(action: str) -> DependsParam:
    """Check an action on the portal as a whole before the route runs."""
    return cast(DependsParam, Depends(PermissionCheck(action)))


def resource_permission() -> DependsParam:
    """The route checks its action itself, once the resource is loaded (AuthorizerDep)."""
    return cast(DependsParam, Depends(PermissionCheck(None, exempt_reason=None)))


def exempt(reason: str, *, audit_action: str) -> DependsParam:
    """A state-changing route that needs no permission (signing in, one's own preferences);
    the audit log records it as `audit_action`."""
    check = PermissionCheck(None, exempt_reason=reason, audit_action=audit_action)
    return cast(DependsParam, Depends(check))


PUBLIC_PATHS = ("/healthz", "/readyz", "/metrics", "/auth/", "/api/openapi.json", "/api/docs")
"""What anyone may fetch: health for probes, the sign-in pages, the API's description."""


def read_guard(request: Request, session: SessionDep) -> None:
    """Applied to every route: reading needs `portal.read` (signed in, or public read on)."""
    if request.method not in ("GET", "HEAD") or request.url.path.startswith(PUBLIC_PATHS):
        return
    get_authorizer(request, session).check("portal.read")
