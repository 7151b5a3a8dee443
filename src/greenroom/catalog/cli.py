"""`greenroom catalog …`: validate files in CI, import locations, list and graph entities."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.tree import Tree

from greenroom.catalog.engine import catalog_engine
from greenroom.catalog.filters import FullTextFilter, SortField
from greenroom.catalog.processing import SourceSpec
from greenroom.catalog.providers import IMPORTED_PROVIDER, registered_source_key
from greenroom.catalog.query_repository import CatalogQueryRepository
from greenroom.catalog.repository import LocationRepository, SourceRepository, now_utc
from greenroom.catalog.service import CatalogService, canonical_ref
from greenroom.catalog.sources.base import LocationReadError
from greenroom.catalog.sources.file import FileReader
from greenroom.errors import GreenroomError
from greenroom.ops.logging import configure_logging
from greenroom.runtime import Runtime
from greenroom.settings import get_settings

console = Console()
errors_console = Console(stderr=True)


def _runtime() -> Runtime:
    settings = get_settings()
    configure_logging(settings.model_copy(update={"log_level": "WARNING"}))
    runtime = Runtime.build(settings)
    if runtime.database.dialect == "sqlite":
        from greenroom.db import migrate

        migrate.upgrade(runtime.database.engine)
    return runtime


@click.group("catalog")
def catalog_group() -> None:
    """Work with the software catalog."""


@catalog_group.command("validate")
@click.argument("paths", nargs=-1, required=True)
@click.option("--max-file-bytes", type=int, default=5 * 1024 * 1024, show_default=True)
def validate_command(paths: tuple[str, ...], max_file_bytes: int) -> None:
    """Check catalog files (files, folders or globs) the way ingestion will.

    Prints `file:line field: rule` for each problem and exits with status 1 when
    there is any, so it can guard a service repository's CI.
    """
    from greenroom.catalog.processing import SourceProcessor
    from greenroom.catalog.sources.readers import LocationReaders

    reader = FileReader(max_file_bytes=max_file_bytes)
    processor = SourceProcessor(LocationReaders([reader]))
    problems: list[str] = []
    checked = 0
    for path in paths:
        target = str(Path(path).resolve()) if not any(c in path for c in "*?[") else path
        try:
            files = reader.list_files("file", target)
        except LocationReadError as exc:
            problems.append(exc.message)
            continue
        for file in files:
            checked += 1
            try:
                content = reader.read_file(file)
            except LocationReadError as exc:
                problems.append(exc.message)
                continue
            problems.extend(processor.check_file(file.location, content))
    for problem in problems:
        click.echo(problem)
    summary = f"{checked} file(s) checked, {len(problems)} problem(s)"
    if problems:
        errors_console.print(f"[red]{summary}[/red]")
        sys.exit(1)
    errors_console.print(f"[green]{summary}[/green]")


@catalog_group.command("import")
@click.argument("target")
@click.option(
    "--type",
    "location_type",
    type=click.Choice(["file", "url"]),
    default=None,
    help="Location type; guessed from the target when omitted.",
)
def import_command(target: str, location_type: str | None) -> None:
    """Register a location and ingest it now, with progress."""
    if location_type is None:
        location_type = "url" if "://" in target else "file"
    if location_type == "file":
        target = str(Path(target).resolve())
    runtime = _runtime()
    engine = catalog_engine(runtime)
    with runtime.database.transaction(write=True) as session:
        locations = LocationRepository(session)
        row = locations.find(location_type, target) or locations.add(
            location_type, target, now_utc(), trusted=True
        )
        provider = IMPORTED_PROVIDER if row.trusted else "registered"
        spec = SourceSpec(registered_source_key(row.id), provider, location_type, target)
        SourceRepository(session).sync_one(spec, now_utc())
    with console.status(f"Reading {location_type}:{target}"):
        stats = engine.process_source(spec)
    if stats is None:
        raise click.ClickException(f"processing {target} failed; see the log above")
    with runtime.database.transaction() as session:
        errors = CatalogQueryRepository(session).error_messages_of_source(spec.key)
    console.print(
        f"Imported {location_type}:{target}: {stats.inserted} new, {stats.updated} updated, "
        f"{stats.unchanged} unchanged, {stats.deleted + stats.orphaned} removed"
    )
    for message in errors:
        errors_console.print(f"[yellow]{message}[/yellow]")


@catalog_group.command("refresh")
def refresh_command() -> None:
    """Read every source now and wait until the catalog is up to date."""
    runtime = _runtime()
    engine = catalog_engine(runtime)
    engine.sync_sources()
    with runtime.database.transaction() as session:
        SourceRepository(session).schedule_all(now_utc())
        total = SourceRepository(session).count()
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=errors_console) as progress:
        task = progress.add_task("Processing sources", total=total)
        while processed := engine.process_due(limit=10):
            progress.advance(task, processed)
    if engine.last_pass:
        console.print(engine.last_pass.as_dict())


def _filters(
    kind: str | None,
    type_: str | None,
    owner: str | None,
    lifecycle: str | None,
    tags: tuple[str, ...],
    namespace: str | None,
    extra: tuple[str, ...],
) -> list[str]:
    parts = []
    if kind:
        parts.append(f"kind={kind}")
    if type_:
        parts.append(f"spec.type={type_}")
    if owner:
        parts.append(f"relations.ownedBy={canonical_ref(owner, default_kind='group')}")
    if lifecycle:
        parts.append(f"spec.lifecycle={lifecycle}")
    parts.extend(f"metadata.tags={tag}" for tag in tags)
    if namespace:
        parts.append(f"metadata.namespace={namespace}")
    filters = [",".join(parts)] if parts else []
    if extra and filters:
        return [f"{filters[0]},{f}" for f in extra]
    return list(extra) or filters


@catalog_group.command("ls")
@click.option("--kind", help="Entity kind, e.g. component.")
@click.option("--type", "type_", help="spec.type, e.g. service.")
@click.option("--owner", help="Owner ref; a bare name means a group.")
@click.option("--lifecycle", help="spec.lifecycle.")
@click.option("--tag", "tags", multiple=True, help="A tag (repeat: any of them matches).")
@click.option("--namespace", help="metadata.namespace.")
@click.option("--filter", "extra", multiple=True, help="A raw Backstage filter set (repeat: OR).")
@click.option("--text", help="Full-text term over name, title and display name.")
@click.option("--limit", type=int, default=50, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print entities as JSON lines.")
def ls_command(
    kind: str | None,
    type_: str | None,
    owner: str | None,
    lifecycle: str | None,
    tags: tuple[str, ...],
    namespace: str | None,
    extra: tuple[str, ...],
    text: str | None,
    limit: int,
    as_json: bool,
) -> None:
    """List entities with the same filters as the API."""
    runtime = _runtime()
    filters = _filters(kind, type_, owner, lifecycle, tags, namespace, extra)
    full_text = (
        FullTextFilter(text, ("metadata.name", "metadata.title", "spec.profile.displayName"))
        if text
        else None
    )
    with runtime.database.transaction() as session:
        try:
            page = CatalogService(session).query(
                filters=filters, order=SortField("metadata.name"), full_text=full_text, limit=limit
            )
        except GreenroomError as exc:
            raise click.ClickException(exc.message) from exc
    if as_json:
        for item in page["items"]:
            click.echo(json.dumps(item))
        return
    rows = [_row(item) for item in page["items"]]
    if not console.is_terminal:
        # Piped output is for scripts: one tab-separated line per entity, nothing cut.
        for row in rows:
            click.echo("\t".join(row))
        return
    table = Table(
        "ref", "type", "owner", "lifecycle", "description", title=f"{page['totalItems']} entities"
    )
    for row in rows:
        table.add_row(*row)
    console.print(table)


def _row(item: dict[str, Any]) -> tuple[str, str, str, str, str]:
    spec = item.get("spec", {})
    metadata = item["metadata"]
    owner = next((r["targetRef"] for r in item["relations"] if r["type"] == "ownedBy"), "")
    return (
        f"{item['kind'].lower()}:{metadata.get('namespace', 'default')}/{metadata['name']}",
        str(spec.get("type", "")),
        owner,
        str(spec.get("lifecycle", "")),
        str(metadata.get("description", ""))[:60],
    )


@catalog_group.command("graph")
@click.argument("ref")
@click.option("--depth", type=int, default=2, show_default=True)
@click.option("--relation", "relations", multiple=True, help="Only these relation types.")
def graph_command(ref: str, depth: int, relations: tuple[str, ...]) -> None:
    """Print an entity's relations as a tree."""
    runtime = _runtime()
    root_ref = canonical_ref(ref, default_kind="component")
    wanted = {r.lower() for r in relations}
    with runtime.database.transaction() as session:
        service = CatalogService(session)
        if service.by_refs([root_ref])[0] is None:
            raise click.ClickException(f"No entity {root_ref}")
        tree = Tree(f"[bold]{root_ref}[/bold]")
        seen = {root_ref}

        def grow(node: Tree, current: str, level: int) -> None:
            if level >= depth:
                return
            pairs = service.queries.relations_of([current])[current]
            for relation_type, target in pairs:
                if wanted and relation_type.lower() not in wanted:
                    continue
                child = node.add(f"[cyan]{relation_type}[/cyan] {target}")
                if target not in seen:
                    seen.add(target)
                    grow(child, target, level + 1)

        grow(tree, root_ref, 0)
    console.print(tree)
