"""Appends an audit event for every state-changing request, allowed or denied.

It runs around every route, so nothing that changes state escapes it: the
permission checks leave their decisions on the request, and this writes them
down with who asked, how, from where and what came of it, before the response
leaves. A request that changed state without any permission decision is
logged as an error (and recorded as `unchecked`), so a forgotten check shows.
"""

from __future__ import annotations

import logging
from typing import Any

import anyio
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from greenroom.audit.repository import AuditRepository
from greenroom.catalog.repository import now_utc
from greenroom.db.session import Database
from greenroom.ops.logging import request_id_var

log = logging.getLogger(__name__)
STATE_CHANGING = frozenset({"POST", "PUT", "PATCH", "DELETE"})
REFUSALS = frozenset({401, 403, 429})


class AuditMiddleware:
    def __init__(self, app: ASGIApp, database: Database) -> None:
        self.app = app
        self.database = database

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("method") not in STATE_CHANGING:
            await self.app(scope, receive, send)
            return
        recorded = False

        async def send_after_audit(message: Message) -> None:
            nonlocal recorded
            if message["type"] == "http.response.start" and not recorded:
                recorded = True
                event = audit_event(scope, message["status"])
                if event is not None:
                    await anyio.to_thread.run_sync(self._write, event)
            await send(message)

        try:
            await self.app(scope, receive, send_after_audit)
        except Exception:
            event = None if recorded else audit_event(scope, 500)
            if event is not None:
                await anyio.to_thread.run_sync(self._write, event)
            raise

    def _write(self, event: dict[str, Any]) -> None:
        try:
            with self.database.transaction(write=True) as session:
                AuditRepository(session).append(event)
        except Exception:
            # Losing an audit row must be loud; the request itself has been handled already.
            log.exception(
                "could not write the audit event for %s %s", event["method"], event["path"]
            )


def audit_event(scope: Scope, status: int) -> dict[str, Any] | None:
    """The event to record, or None for a read sent as POST (`by-refs`, a dry run)."""
    state: dict[str, Any] = scope.get("state") or {}
    identity = state.get("identity")
    decisions = state.get("permission_decisions") or []
    exempt = state.get("permission_exempt")
    if decisions and exempt is None and all(d.read for d in decisions):
        return None
    denied = [d for d in decisions if not d.decision.allowed]
    action, resource, reason = f"http.{scope['method'].lower()}", None, None
    if denied:
        outcome, last = "denied", denied[-1]
        action, resource, reason = last.action, last.resource, last.decision.reason
    elif decisions:
        last = decisions[-1]
        action, resource = last.action, last.resource
        outcome = "allowed" if status < 400 else "failed"
    elif exempt is not None:
        action, reason = exempt[0], exempt[1]
        outcome = "allowed" if status < 400 else "failed"
    elif status in REFUSALS:
        outcome = "rejected"
    elif status < 400:
        outcome = "unchecked"
        log.error("%s %s changed state without a permission check", scope["method"], scope["path"])
    else:
        outcome = "failed"
    client = scope.get("client")
    return {
        "occurred_at": now_utc(),
        "actor": identity.user_ref if identity is not None else "anonymous",
        "auth_method": identity.source if identity is not None else "none",
        "token_id": identity.token_id if identity is not None else None,
        "action": action[:200],
        "resource": resource[:2048] if resource else None,
        "outcome": outcome,
        "reason": reason[:1000] if reason else None,
        "status_code": status,
        "method": scope["method"],
        "path": str(scope.get("path", ""))[:2048],
        "request_id": request_id_var.get() or "-",
        "client_address": client[0][:64] if client else None,
    }
