"""`greenroom audit export`: the audit log as JSON lines, for archives and SIEMs."""

from __future__ import annotations

import json
from pathlib import Path

import click

from greenroom.audit.service import AuditService, parse_filter
from greenroom.cli.local import local_runtime
from greenroom.errors import GreenroomError


@click.group("audit")
def audit_group() -> None:
    """The audit log of every state-changing request."""


@audit_group.command("export")
@click.option("--since", default=None, help="ISO 8601 date or time; from the start when absent")
@click.option("--until", default=None, help="ISO 8601 date or time (exclusive)")
@click.option("--actor", default=None, help="Only this user ref")
@click.option("--action", default=None, help="An action, or a prefix ending in `.`")
@click.option(
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write to this file instead of standard output",
)
def export_command(
    since: str | None, until: str | None, actor: str | None, action: str | None, output: Path | None
) -> None:
    """Write matching events, oldest first, one JSON object per line."""
    try:
        where = parse_filter(since=since, until=until, actor=actor, action=action)
    except GreenroomError as exc:
        raise click.BadParameter(exc.message) from exc
    runtime = local_runtime()
    count = 0
    with (
        runtime.database.transaction() as session,
        click.open_file(str(output) if output else "-", "w", encoding="utf-8") as handle,
    ):
        for event in AuditService(session).export(where):
            handle.write(json.dumps(event, ensure_ascii=False) + "\n")
            count += 1
    click.echo(f"{count} events", err=True)
