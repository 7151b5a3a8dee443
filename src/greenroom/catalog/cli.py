"""`greenroom catalog …`: validate files in CI, import locations, list and graph entities.

`ls` and `refresh` work on this machine's database, or with `--url` on a remote
greenroom through its API, as the token's user.
"""

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
from greenroom.catalog.repository import now_utc
from greenroom.catalog.service import CatalogService, RefreshService, canonical_ref
from greenroom.catalog.source_repository import LocationRepository, SourceRepository
from greenroom.catalog.sources.base import LocationReadError
from greenroom.catalog.sources.file import FileReader
from greenroom.cli.local import local_runtime
from greenroom.cli.remote import RemotePortal, connect, remote_options
from greenroom.errors import GreenroomError
from greenroom.runtime import Runtime

console = Console()
errors_console = Console(stderr=True)
FULL_TEXT_FIELDS = ("metadata.name", "metadata.title", "spec.profile.displayName")
REMOTE_PAGE_SIZE = 100
"""Entities asked of a remote portal per request while `ls --url` pages through."""


def _runtime() -> Runtime:
    return local_runtime()


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
@click.option("--entity", "entity_ref", help="Only this entity's source, e.g. component:ledger.")
@remote_options
def refresh_command(entity_ref: str | None, url: str | None, token: str | None) -> None:
    """Read every source (or one entity's) now and wait until the catalog is up to date.

    With --url, ask a remote greenroom to refresh, as the token's user; it
    processes the refresh in the background.
    """
    ref = canonical_ref(entity_ref, default_kind="component") if entity_ref else None
    if url:
        with connect(url, token) as portal:
            portal.post("/api/catalog/refresh", {"entityRef": ref} if ref else {})
        what = ref or "the whole catalog"
        console.print(f"{portal.url} is refreshing {what}; it processes it in the background.")
        return
    runtime = _runtime()
    engine = catalog_engine(runtime)
    if ref is None:
        engine.sync_sources()
    try:
        with runtime.database.transaction(write=True) as session:
            sources = SourceRepository(session)
            if ref is None:
                sources.schedule_all(now_utc())
                total = sources.count()
            else:
                RefreshService(session).refresh(ref)
                total = sources.pending_count(now_utc())
    except GreenroomError as exc:
        raise click.ClickException(exc.message) from exc
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
@remote_options
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
    url: str | None,
    token: str | None,
) -> None:
    """List entities with the same filters as the API (of a remote greenroom with --url)."""
    filters = _filters(kind, type_, owner, lifecycle, tags, namespace, extra)
    if url:
        with connect(url, token) as portal:
            page = _remote_query(portal, filters, text, limit)
    else:
        page = _local_query(filters, text, limit)
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


def _local_query(filters: list[str], text: str | None, limit: int) -> dict[str, Any]:
    runtime = _runtime()
    full_text = FullTextFilter(text, FULL_TEXT_FIELDS) if text else None
    with runtime.database.transaction() as session:
        try:
            return CatalogService(session).query(
                filters=filters, order=SortField("metadata.name"), full_text=full_text, limit=limit
            )
        except GreenroomError as exc:
            raise click.ClickException(exc.message) from exc


def _remote_query(
    portal: RemotePortal, filters: list[str], text: str | None, limit: int
) -> dict[str, Any]:
    """The same page `_local_query` gives, read from `by-query` a page at a time."""
    params: dict[str, Any] = {
        "filter": filters,
        "orderField": "metadata.name,asc",
        "limit": min(limit, REMOTE_PAGE_SIZE),
    }
    if text:
        params |= {"fullTextFilterTerm": text, "fullTextFilterFields": ",".join(FULL_TEXT_FIELDS)}
    first = page = portal.get("/api/catalog/entities/by-query", params)
    items: list[dict[str, Any]] = list(page["items"])
    while len(items) < limit and (cursor := page.get("pageInfo", {}).get("nextCursor")):
        # A cursor carries the whole query; only the page size may change.
        wanted = min(limit - len(items), REMOTE_PAGE_SIZE)
        page = portal.get("/api/catalog/entities/by-query", {"cursor": cursor, "limit": wanted})
        items.extend(page["items"])
    return {"items": items[:limit], "totalItems": first["totalItems"]}


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
