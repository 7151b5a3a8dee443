"""The web UI benchmark: server render time of catalog pages, and the catalog page's weight.

On a database holding the synthetic organisation (`benchmarks/synthetic_org.py`,
100,000 entities), it serves the real app (`greenroom.app.create_app`, background
workers off) with uvicorn in a subprocess and measures, from this process with httpx:

- render time of HTML pages (`Accept: text/html`): the time from sending a GET on a
  kept-alive connection until the whole body has arrived, p50 / p95 / max over
  `--samples` requests after a warm-up, for the catalog index (default view, signed
  in with Owned, filtered, searched, a deep page) and entity pages (a component's
  overview and dependencies tabs, a group's page). The server's own figure (the
  request log line of `greenroom.ops.middleware`, from the app being called until the
  request's dependencies have closed, after the body was sent) is read from its log
  and reported beside it; the client figure is the headline.
- page weight: the `/catalog` HTML plus every stylesheet and script it references,
  uncompressed, gzip-compressed (level 6) and as the server sent them.

Targets (issue: web UI): render p95 <= 50 ms for each page, weight <= 150 KB (read as
150,000 bytes). The database is the newer of a copy of the one the catalog benchmark
(`benchmarks/catalog.py`) leaves behind and this benchmark's own from an earlier run;
failing both, a new one filled the way the catalog benchmark fills its own
(`greenroom serve` with git discovery over the organisation). PostgreSQL runs on a
database of its own (`greenroom_bench_web`), created and dropped here.

`make bench` runs `python benchmarks/web.py` after the catalog benchmark; `--quick` is a
10,000 entity smoke run; `--profile` (default `auto`) measures the pages that miss
their target again inside the server (clocks around routes, templates and SQL, then
cProfile) and prints where the time goes.
"""

from __future__ import annotations

import argparse
import contextlib
import contextvars
import datetime as dt
import gc
import gzip
import json
import os
import pstats
import random
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import quote, urljoin, urlsplit, urlunsplit

import httpx
from rich.console import Console
from rich.table import Table

if __package__ in (None, ""):  # run as `python benchmarks/web.py`
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.catalog import (
    BenchError,
    DatabaseRun,
    Server,
    ServerDiedError,
    Target,
    descendants,
    free_port,
    greenroom_command,
    machine,
    measure_each_database,
    organisation,
    percentile,
)
from benchmarks.synthetic_org import GENERATOR_VERSION

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/greenroom_bench_web"
CATALOG_RESULTS = REPO_ROOT / "benchmarks" / "results" / "catalog.json"
PAGE_SIZE = 20
DEEP_PAGE = 200
WEIGHT_LIMIT_BYTES = 150_000
RENDER = Target("render time p95", "<=", 50, "ms")
WEIGHT = Target("page weight", "<=", 150, "KB")
MARKER = "bench-web.json"
REQUEST_ID_PREFIX = "bw-"
PROFILE_HEADER = "X-Bench-Profile"
SPLIT_HEADER = "X-Bench-Split"
GC_PATH = "/__bench/gc"
# Reading without signing in (the anonymous pages, and the JSON API calls this
# benchmark makes to pick refs) needs `auth.public_read`; it is off by default.
PUBLIC_READ_ENV = {"GREENROOM_AUTH__PUBLIC_READ": "true"}
CLOCK_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


class ScenarioError(BenchError):
    """A page did not answer as it should (status, content); the message says how."""


# --- the server under test (runs in the subprocess: `python benchmarks/web.py serve`) ------


def serve_app() -> int:
    """Serve `create_app()` with uvicorn, as `greenroom serve` does, with workers off.

    Settings come from the `GREENROOM_*` environment the benchmark sets. With
    `BENCH_WEB_PROFILE_DIR`, requests carrying `X-Bench-Profile: <name>` are profiled
    (cProfile, in the threads that run routes and dependencies) and the merged
    statistics are written to `<dir>/<name>.pstats` when the server stops.
    """
    import uvicorn

    from greenroom.app import create_app
    from greenroom.catalog.repository import create_query_indexes
    from greenroom.runtime import Runtime
    from greenroom.settings import get_settings

    settings = get_settings()
    if settings.run_workers:
        print("serve: GREENROOM_RUN_WORKERS must be false", file=sys.stderr)
        return 2
    runtime = Runtime.build(settings)
    # What the catalog worker does when it starts: build any query index a bulk load
    # cut short left missing (a no-op on a complete database).
    create_query_indexes(runtime.database.engine)
    app: Any = create_app(runtime=runtime)
    profile_dir = os.environ.get("BENCH_WEB_PROFILE_DIR")
    dump: Callable[[], None] | None = None
    if profile_dir:
        app, dump = _profiled(app, Path(profile_dir))
    app = _with_gc_clock(app)
    # uvicorn shuts down gracefully on SIGTERM, then raises the signal again with the
    # handlers it found installed: make that an exit that runs `finally` (the dump).
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, _exit_on_signal)
    print(f"serving on {settings.host}:{settings.port}", file=sys.stderr, flush=True)
    try:
        uvicorn.run(app, host=settings.host, port=settings.port, log_config=None, access_log=False)
    finally:
        if dump is not None:
            dump()
    return 0


class _GcClock:
    """Pauses of the garbage collector in this process, per generation."""

    def __init__(self) -> None:
        self.started: float | None = None
        self.reset()

    def reset(self) -> None:
        self.pauses: dict[int, list[float]] = {0: [], 1: [], 2: []}

    def __call__(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self.started = time.perf_counter()
        elif self.started is not None:
            self.pauses[info["generation"]].append(time.perf_counter() - self.started)
            self.started = None

    def snapshot(self) -> dict[str, Any]:
        figures: dict[str, Any] = {
            str(generation): {
                "count": len(pauses),
                "ms": round(sum(pauses) * 1000, 2),
                "max_ms": round(max(pauses, default=0.0) * 1000, 2),
            }
            for generation, pauses in self.pauses.items()
        }
        figures["tracked_objects"] = len(gc.get_objects())
        figures["frozen_objects"] = gc.get_freeze_count()
        return figures


def _with_gc_clock(app: Any) -> Any:
    """`GET /__bench/gc[?reset=1]`: the collector's pauses since the last reset."""
    clock = _GcClock()
    gc.callbacks.append(clock)

    async def with_gc_clock(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http" and scope["path"] == GC_PATH:
            body = json.dumps(clock.snapshot()).encode()
            if b"reset=1" in scope.get("query_string", b""):
                clock.reset()
            headers = [(b"content-type", b"application/json")]
            await send({"type": "http.response.start", "status": 200, "headers": headers})
            await send({"type": "http.response.body", "body": body})
            return
        await app(scope, receive, send)

    return with_gc_clock


def _exit_on_signal(signum: int, frame: Any) -> None:
    raise SystemExit(0)


def _profiled(app: Any, out_dir: Path) -> tuple[Any, Callable[[], None]]:
    """Wrap `app` so that requests naming a bucket are measured, in one of two ways.

    `X-Bench-Profile: <name>`: cProfile. FastAPI runs synchronous routes and
    dependencies (the whole page: queries and template rendering) in a thread pool
    through `run_in_threadpool`; each such call is profiled in its thread and merged
    into the bucket (`<name>.pstats`).

    `X-Bench-Split: <name>`: no profiler, only clocks (wall and the thread's CPU) around
    those same calls, around template rendering (`Jinja2Templates.TemplateResponse`)
    and around each SQL statement (SQLAlchemy's cursor-execute events), summed into
    `<name>.split.json`. cProfile inflates Python code far more than time spent in C
    (the database driver), so this is the split to read for "templates or SQL?".
    """
    import cProfile

    import fastapi.concurrency
    import fastapi.dependencies.utils
    import fastapi.routing
    import starlette.concurrency
    from sqlalchemy import event
    from sqlalchemy.engine import Engine
    from starlette.templating import Jinja2Templates

    bucket: contextvars.ContextVar[tuple[str, str] | None] = contextvars.ContextVar(
        "bench_bucket", default=None
    )
    merged: dict[str, pstats.Stats] = {}
    split: dict[str, dict[str, float]] = {}
    statements: dict[str, dict[str, list[float]]] = {}
    lock = threading.Lock()
    local = threading.local()
    original = starlette.concurrency.run_in_threadpool
    original_template_response = Jinja2Templates.TemplateResponse

    def add(name: str, what: str, wall: float, cpu: float, count: int = 1) -> None:
        with lock:
            figures = split.setdefault(name, {})
            figures[f"{what}_wall"] = figures.get(f"{what}_wall", 0.0) + wall
            figures[f"{what}_cpu"] = figures.get(f"{what}_cpu", 0.0) + cpu
            figures[f"{what}_count"] = figures.get(f"{what}_count", 0.0) + count

    async def run_in_threadpool(func: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        current = bucket.get()
        if current is None:
            return await original(func, *args, **kwargs)
        mode, name = current

        def profiled(*inner_args: Any, **inner_kwargs: Any) -> Any:
            profile = cProfile.Profile()
            profile.enable()
            try:
                return func(*inner_args, **inner_kwargs)
            finally:
                profile.disable()
                with lock:
                    if name in merged:
                        merged[name].add(profile)
                    else:
                        merged[name] = pstats.Stats(profile)

        def timed(*inner_args: Any, **inner_kwargs: Any) -> Any:
            wall, cpu = time.perf_counter(), time.thread_time()
            try:
                return func(*inner_args, **inner_kwargs)
            finally:
                add(name, "route", time.perf_counter() - wall, time.thread_time() - cpu)

        return await original(profiled if mode == "profile" else timed, *args, **kwargs)

    def template_response(self: Any, *args: Any, **kwargs: Any) -> Any:
        current = bucket.get()
        if current is None or current[0] != "split":
            return original_template_response(self, *args, **kwargs)
        wall, cpu = time.perf_counter(), time.thread_time()
        try:
            return original_template_response(self, *args, **kwargs)
        finally:
            add(current[1], "template", time.perf_counter() - wall, time.thread_time() - cpu)

    def before_execute(*_: Any) -> None:
        local.started = (time.perf_counter(), time.thread_time())

    def after_execute(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        current = bucket.get()
        started = getattr(local, "started", None)
        if current is None or current[0] != "split" or started is None:
            return
        wall = time.perf_counter() - started[0]
        add(current[1], "sql", wall, time.thread_time() - started[1])
        with lock:
            seen = statements.setdefault(current[1], {}).setdefault(statement, [0, 0.0])
            seen[0] += 1
            seen[1] += wall

    event.listen(Engine, "before_cursor_execute", before_execute)
    event.listen(Engine, "after_cursor_execute", after_execute)
    Jinja2Templates.TemplateResponse = template_response  # type: ignore[method-assign]
    for module in (fastapi.routing, fastapi.dependencies.utils, fastapi.concurrency):
        module.run_in_threadpool = run_in_threadpool  # type: ignore[attr-defined]
    headers = {PROFILE_HEADER.lower().encode(): "profile", SPLIT_HEADER.lower().encode(): "split"}

    async def with_bucket(scope: Any, receive: Any, send: Any) -> None:
        current = None
        if scope["type"] == "http":
            for key, value in scope.get("headers", []):
                if key in headers:
                    name = re.sub(r"[^A-Za-z0-9_.-]", "_", value.decode("latin-1"))[:64]
                    current = (headers[key], name)
        if current is not None and current[0] == "split":
            add(current[1], "request", 0.0, 0.0)
        token = bucket.set(current)
        try:
            await app(scope, receive, send)
        finally:
            bucket.reset(token)

    def dump() -> None:
        out_dir.mkdir(parents=True, exist_ok=True)
        with lock:
            for name, stats in merged.items():
                stats.dump_stats(str(out_dir / f"{name}.pstats"))
            for name, clocks in split.items():
                slowest = sorted(statements.get(name, {}).items(), key=lambda item: -item[1][1])[:5]
                figures: dict[str, Any] = {
                    **clocks,
                    "statements": [
                        {"sql": sql, "count": count, "wall": wall} for sql, (count, wall) in slowest
                    ],
                }
                (out_dir / f"{name}.split.json").write_text(json.dumps(figures), encoding="utf-8")

    return with_bucket, dump


# --- scenarios ---------------------------------------------------------------------------


@dataclass
class Scenario:
    key: str
    label: str
    paths: list[str]
    """Requested in turn (one path for most scenarios; several search terms)."""
    signed_in: bool = False
    rows: int | None = None
    """Rows the catalog table must show (None: at least one; 0: not a catalog page)."""
    contains: str | None = None
    """Text the page must contain."""
    note: str = ""


@dataclass
class Picks:
    """What the scenarios ask for, chosen from the generated organisation."""

    owner_group: str
    owner_components: int
    user_ref: str
    user_name: str
    component: str
    terms: list[str]
    notes: dict[str, Any] = field(default_factory=dict)


def choose_terms(expectations: dict[str, Any], rng: random.Random, count: int = 10) -> list[str]:
    """Search terms that match at least a page of components, in a fixed random order."""
    terms = sorted(term for term, n in expectations["terms"].items() if n >= PAGE_SIZE)
    rng.shuffle(terms)
    return sorted(terms[:count])


def scenarios(picks: Picks, counts: dict[str, int]) -> list[Scenario]:
    component = picks.component
    page_rows = PAGE_SIZE if counts.get("component", 0) >= DEEP_PAGE * PAGE_SIZE else None
    return [
        Scenario("catalog", "/catalog, default view", ["/catalog"], rows=PAGE_SIZE),
        Scenario(
            "catalog_owned",
            "/catalog, signed in (Owned)",
            ["/catalog"],
            signed_in=True,
            rows=min(PAGE_SIZE, picks.owner_components),
            contains='<input type="hidden" name="user" value="owned">',
            note=f"as {picks.user_ref}, member of {picks.owner_group}",
        ),
        Scenario(
            "catalog_filter",
            "/catalog, type + lifecycle filter",
            ["/catalog?type=service&lifecycle=production"],
            rows=PAGE_SIZE,
        ),
        Scenario(
            "catalog_search",
            "/catalog, search",
            [f"/catalog?q={quote(term)}" for term in picks.terms],
            note=f"q in turn: {', '.join(picks.terms)}",
        ),
        Scenario(
            "catalog_deep",
            f"/catalog, page {DEEP_PAGE}",
            [f"/catalog?page={DEEP_PAGE}"],
            rows=page_rows,
        ),
        Scenario(
            "entity_overview",
            "component page, overview",
            [f"/catalog/default/component/{component}"],
            rows=0,
            contains=component,
        ),
        Scenario(
            "entity_dependencies",
            "component page, dependencies tab",
            [f"/catalog/default/component/{component}/dependencies"],
            rows=0,
            contains=component,
        ),
        Scenario(
            "group",
            "group page",
            [f"/catalog/default/group/{picks.owner_group.split('/', 1)[1]}"],
            rows=0,
            contains=picks.owner_group.split("/", 1)[1],
            note=f"{picks.owner_group}, owner of {picks.owner_components:,} components",
        ),
    ]


class _AssetParser(HTMLParser):
    """The stylesheets and scripts a page references."""

    def __init__(self) -> None:
        super().__init__()
        self.assets: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name.lower(): value or "" for name, value in attrs}
        if tag == "link" and "stylesheet" in values.get("rel", "").lower().split():
            if values.get("href"):
                self.assets.append(("css", values["href"]))
        elif tag == "script" and values.get("src"):
            self.assets.append(("js", values["src"]))


def html_breakdown(html: str) -> dict[str, int]:
    """Bytes of the catalog page's big parts: each filter's <select>, the table, the rest."""
    sizes: dict[str, int] = {}
    for match in re.finditer(r'<select id="filter-([\w-]+)".*?</select>', html, re.DOTALL):
        options = match.group(0).count("<option")
        sizes[f"filter {match.group(1)} ({options} options)"] = len(match.group(0).encode())
    table = re.search(r"<table.*?</table>", html, re.DOTALL)
    if table:
        sizes["results table"] = len(table.group(0).encode())
    sizes["everything else"] = len(html.encode()) - sum(sizes.values())
    return dict(sorted(sizes.items(), key=lambda item: -item[1]))


# --- databases ---------------------------------------------------------------------------


class _Loader(DatabaseRun):
    """The catalog benchmark's first ingestion, with its figures reported, not judged."""

    def check(self, key: str, value: float, detail: str, label: str | None = None) -> None:
        self.result["checks"][key] = {"label": label or key, "value": value}
        self.say(f"[dim]{label or key}: {detail}[/]")


def _postgres_admin(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    database = parts.path.lstrip("/")
    if not database:
        raise BenchError(f"{url}: no database name in the URL")
    return urlunsplit(("postgresql", parts.netloc, "/postgres", parts.query, "")), database


def drop_postgres(url: str) -> None:
    import psycopg
    from psycopg import sql

    admin, database = _postgres_admin(url)
    with psycopg.connect(admin, autocommit=True, connect_timeout=10) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(database))
        )


def clone_postgres(source_url: str, target_url: str) -> None:
    """`CREATE DATABASE target TEMPLATE source` (the source must have no connections)."""
    import psycopg
    from psycopg import sql

    admin, target = _postgres_admin(target_url)
    source_admin, source = _postgres_admin(source_url)
    if urlsplit(admin).netloc != urlsplit(source_admin).netloc:
        raise BenchError("the catalog benchmark's database is on another server")
    with psycopg.connect(admin, autocommit=True, connect_timeout=10) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(target))
        )
        conn.execute(
            sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                sql.Identifier(target), sql.Identifier(source)
            )
        )


def sqlite_path(url: str) -> Path:
    prefix = "sqlite:///"
    if not url.startswith(prefix):
        raise BenchError(f"not a SQLite file URL: {url}")
    return Path(url[len(prefix) :])


def copy_sqlite(source: Path, target: Path) -> None:
    """A consistent copy of a SQLite database (WAL included), through the backup API."""
    target.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    with (
        contextlib.closing(sqlite3.connect(f"file:{source}?mode=ro", uri=True)) as src,
        contextlib.closing(sqlite3.connect(target)) as dst,
    ):
        src.backup(dst, pages=65536)


def _parse_time(value: Any) -> float:
    try:
        return dt.datetime.fromisoformat(str(value)).timestamp()
    except ValueError:
        return 0.0


class DatabaseUnderTest:
    """Finds, copies or builds the database for one dialect, and describes it."""

    def __init__(
        self,
        name: str,
        args: argparse.Namespace,
        stats: dict[str, Any],
        manifest: dict[str, Any],
        console: Console,
    ) -> None:
        self.name = name
        self.args = args
        self.stats = stats
        self.manifest = manifest
        self.console = console
        self.work_dir: Path = args.run_dir
        self.data_dir = self.work_dir / f"data-{name}"
        self.url = (
            f"sqlite:///{self.data_dir / 'greenroom.db'}" if name == "sqlite" else args.postgres_url
        )
        self.info: dict[str, Any] = {"url": self.url}

    def say(self, message: str) -> None:
        self.console.print(f"[bold cyan]{self.name:>8}[/] {message}", soft_wrap=True)

    def _same_organisation(self, marker: dict[str, Any]) -> bool:
        return (
            marker.get("n") == self.args.entities
            and marker.get("seed") == self.args.seed
            and marker.get("generator_version") == GENERATOR_VERSION
            and marker.get("counts") == self.stats["counts"]
        )

    def catalog_leftover(self) -> tuple[str, float] | None:
        """The catalog benchmark's database for this dialect, when its last run filled one."""
        try:
            results = json.loads(CATALOG_RESULTS.read_text(encoding="utf-8"))
            run = results["databases"][self.name]
            organisation_ = results["organisation"]
        except (OSError, ValueError, KeyError, TypeError):
            return None
        if (
            organisation_.get("n") != self.args.entities
            or organisation_.get("seed") != self.args.seed
            or organisation_.get("generator_version") != GENERATOR_VERSION
            or "ingestion" not in run
            or not run.get("database_url")
        ):
            return None
        url = str(run["database_url"])
        if self.name == "sqlite" and not sqlite_path(url).is_file():
            return None
        return url, _parse_time(results.get("finished") or results.get("started"))

    def own_leftover(self) -> float | None:
        """When this benchmark's own SQLite database (from an earlier run) was built."""
        if self.name != "sqlite":
            return None
        try:
            marker = json.loads((self.data_dir / MARKER).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not self._same_organisation(marker) or not (self.data_dir / "greenroom.db").is_file():
            return None
        return _parse_time(marker.get("built"))

    def acquire(self) -> None:
        """Have a database with the organisation at `self.url`, one way or another."""
        started = time.perf_counter()
        leftover = None if self.args.rebuild else self.catalog_leftover()
        own = None if self.args.rebuild else self.own_leftover()
        if own is not None and (leftover is None or own >= leftover[1]):
            self.info.update(origin="this benchmark's database from an earlier run")
            self.say(f"reusing {self.url}")
        elif leftover is not None:
            source, _ = leftover
            self.say(f"copying the catalog benchmark's database {source}")
            try:
                if self.name == "sqlite":
                    copy_sqlite(sqlite_path(source), sqlite_path(self.url))
                else:
                    clone_postgres(source, self.url)
            except Exception as exc:  # any failure: build our own instead
                self.say(f"[yellow]cannot copy it ({type(exc).__name__}: {exc}); building[/]")
                self.build()
            else:
                self.info.update(origin=f"copy of the catalog benchmark's database ({source})")
                self.write_marker()
        else:
            self.build()
        self.info["acquire_seconds"] = round(time.perf_counter() - started, 1)

    def build(self) -> None:
        """Fill an empty database as the catalog benchmark does: `greenroom serve` with
        git discovery, until every entity is served and the pass (indexes) is over."""
        self.say(f"filling {self.url} with {self.stats['entities']:,} entities (greenroom serve)")
        loader_args = argparse.Namespace(
            seed=self.args.seed,
            postgres_url=self.args.postgres_url,
            greenroom=self.args.greenroom,
            upgrade_timeout=self.args.upgrade_timeout,
            ingest_timeout=self.args.ingest_timeout,
        )
        loader = _Loader(self.name, loader_args, self.stats, self.manifest, self.console)
        command, env = loader.prepare(self.work_dir)  # empties data dir / recreates database
        env.update(PUBLIC_READ_ENV)  # the loader polls the JSON API without signing in
        port = free_port()
        env["GREENROOM_PORT"] = str(port)
        loader.server = Server(command, env, self.work_dir / "logs" / f"{self.name}-fill.log", port)
        try:
            with httpx.Client(
                base_url=f"http://127.0.0.1:{port}",
                timeout=self.args.request_timeout,
                trust_env=False,
            ) as client:
                loader.client = client
                loader.server.start()
                loader.first_ingestion()
                deadline = time.perf_counter() + self.args.ingest_timeout
                while True:  # the pass ends once the deferred query indexes are built
                    loader.alive()
                    status = loader.status()
                    last = status.get("last_pass") or {}
                    if status.get("current_pass") is None and last.get("finished"):
                        break
                    if time.perf_counter() > deadline:
                        raise BenchError(f"the first pass did not finish (status {status})")
                    time.sleep(0.25)
        finally:
            loader.server.stop()
        self.info.update(origin="filled by this benchmark", fill=loader.result.get("ingestion"))
        self.write_marker()

    def write_marker(self) -> None:
        if self.name != "sqlite":
            return
        marker = {
            "n": self.args.entities,
            "seed": self.args.seed,
            "generator_version": GENERATOR_VERSION,
            "counts": self.stats["counts"],
            "built": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "origin": self.info.get("origin"),
        }
        self.data_dir.mkdir(parents=True, exist_ok=True)
        (self.data_dir / MARKER).write_text(json.dumps(marker, indent=2), encoding="utf-8")

    def serve_env(self, port: int, profile_dir: Path | None = None) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("GREENROOM_")}
        env.pop("BENCH_WEB_PROFILE_DIR", None)
        config = self.work_dir / "greenroom-serve.yaml"
        config.write_text("catalog:\n  processing_interval_seconds: 0\n", encoding="utf-8")
        self.data_dir.mkdir(parents=True, exist_ok=True)
        env.update(
            GREENROOM_ENV="development",
            GREENROOM_DATABASE_URL=self.url,
            GREENROOM_DATA_DIR=str(self.data_dir),
            GREENROOM_CONFIG_FILE=str(config),
            GREENROOM_RUN_WORKERS="false",
            **PUBLIC_READ_ENV,
            GREENROOM_AUTH__DEVELOPMENT_IDENTITY="true",  # signing in as a catalog User
            GREENROOM_LOG_FORMAT="json",
            GREENROOM_LOG_LEVEL="INFO",
            GREENROOM_HOST="127.0.0.1",
            GREENROOM_PORT=str(port),
            PYTHONUNBUFFERED="1",
        )
        src = str(REPO_ROOT / "src")
        env["PYTHONPATH"] = os.pathsep.join(
            filter(None, [src, str(REPO_ROOT), env.get("PYTHONPATH")])
        )
        if profile_dir is not None:
            env["BENCH_WEB_PROFILE_DIR"] = str(profile_dir)
        return env

    def upgrade(self) -> None:
        """`greenroom db upgrade` (a copied database may predate the newest migration)."""
        command, extra = greenroom_command(self.args.greenroom)
        env = self.serve_env(0)
        env.update(extra)
        done = subprocess.run(
            [*command, "db", "upgrade"],
            env=env,
            capture_output=True,
            timeout=self.args.upgrade_timeout,
            check=False,
            cwd=self.work_dir,
        )
        if done.returncode != 0:
            output = (done.stdout + done.stderr).decode("utf-8", "replace").strip()
            raise BenchError(
                f"greenroom db upgrade exited with {done.returncode}: {output[-2000:]}"
            )

    def drop(self) -> None:
        if self.name == "postgres" and not self.args.keep_database:
            with contextlib.suppress(Exception):
                drop_postgres(self.url)
                self.say(f"dropped {self.url.rsplit('/', 1)[1]}")


# --- measurements ------------------------------------------------------------------------


class WebRun:
    """Every measurement against one database."""

    def __init__(
        self,
        name: str,
        args: argparse.Namespace,
        stats: dict[str, Any],
        manifest: dict[str, Any],
        console: Console,
    ) -> None:
        self.name = name
        self.args = args
        self.stats = stats
        self.manifest = manifest
        self.console = console
        self.rng = random.Random(args.seed)
        self.database = DatabaseUnderTest(name, args, stats, manifest, console)
        self.result: dict[str, Any] = {"database": name, "ok": False, "checks": {}}
        self.server: Server | None = None
        self.anonymous: httpx.Client | None = None
        self.signed_in: httpx.Client | None = None
        self.picks: Picks | None = None
        self.chosen: list[Scenario] = []

    # -- output --

    def say(self, message: str) -> None:
        self.console.print(f"[bold cyan]{self.name:>8}[/] {message}", soft_wrap=True)

    def check(self, key: str, label: str, target: Target, value: float, detail: str) -> bool:
        met = target.met(value)
        status = "PASS" if met else "SHORT"
        self.result["checks"][key] = {
            "label": label,
            "value": value,
            "target": target.describe(),
            "status": status,
        }
        colour = "green" if met else "red"
        self.say(
            f"[bold {colour}]{status:<5}[/] {label}: {detail} [dim](target {target.describe()})[/]"
        )
        return met

    def fail(self, label: str, exc: BaseException) -> None:
        message = f"{label}: {exc}"
        self.result.setdefault("errors", []).append(message)
        self.say(f"[bold red]FAILED[/] {message}")

    # -- the server --

    @contextlib.contextmanager
    def serving(self, log_name: str, profile_dir: Path | None = None) -> Iterator[str]:
        port = free_port()
        env = self.database.serve_env(port, profile_dir)
        command = [sys.executable, str(Path(__file__).resolve())]
        log = self.args.run_dir / "logs" / f"{self.name}-{log_name}.log"
        self.server = Server(command, env, log, port)
        base_url = f"http://127.0.0.1:{port}"
        self.server.start()  # runs `python benchmarks/web.py serve`
        try:
            deadline = time.perf_counter() + self.args.start_timeout
            with httpx.Client(base_url=base_url, timeout=5, trust_env=False) as probe:
                while True:
                    self.server.check_alive()
                    with contextlib.suppress(httpx.TransportError):
                        if probe.get("/readyz").status_code == 200:
                            break
                    if time.perf_counter() > deadline:
                        raise BenchError(
                            f"the server was not ready in {self.args.start_timeout:.0f} s"
                        )
                    time.sleep(0.1)
            self.say(
                f"serving {self.database.url} at {base_url} (pid {self.server.pid}, workers off)"
            )
            yield base_url
        finally:
            self.server.stop()

    def client(self, base_url: str) -> httpx.Client:
        return httpx.Client(
            base_url=base_url,
            timeout=self.args.request_timeout,
            trust_env=False,
            headers={"Accept": "text/html"},
        )

    def server_cpu_seconds(self) -> float:
        """CPU time (user + system) of the server process and its children so far."""
        assert self.server is not None
        total = 0.0
        for pid in [self.server.pid, *descendants(self.server.pid)]:
            with contextlib.suppress(OSError, ValueError, IndexError):
                stat = Path(f"/proc/{pid}/stat").read_text(encoding="ascii", errors="replace")
                fields = stat.rsplit(")", 1)[1].split()
                total += (int(fields[11]) + int(fields[12])) / CLOCK_TICKS
        return total

    def wait_for_quiet(self) -> None:
        """With `--wait-idle`, wait (up to that many seconds) for a quiet machine."""
        if self.args.wait_idle <= 0:
            return
        threshold = self.args.idle_load
        deadline = time.perf_counter() + self.args.wait_idle
        load = os.getloadavg()[0]
        if load > threshold:
            self.say(f"load average {load:.1f} > {threshold}: waiting for a quieter machine")
        while load > threshold and time.perf_counter() < deadline:
            time.sleep(5)
            load = os.getloadavg()[0]
        if load > threshold:
            self.say(f"[yellow]still busy (load {load:.1f}); measuring anyway[/]")

    def server_times(self, wanted: set[str], wait: float = 3.0) -> dict[str, float]:
        """The server's own figure (ms) per request id, from its JSON request log lines."""
        assert self.server is not None
        found: dict[str, float] = {}
        deadline = time.perf_counter() + wait
        while True:
            lines = ""
            with contextlib.suppress(OSError):
                lines = self.server.log_path.read_text(encoding="utf-8", errors="replace")
            for line in lines.splitlines():
                if REQUEST_ID_PREFIX not in line or not line.startswith("{"):
                    continue
                try:
                    record = json.loads(line)
                except ValueError:
                    continue
                request_id = record.get("request_id")
                match = re.search(r" (\d+(?:\.\d+)?)ms$", str(record.get("message", "")))
                if request_id in wanted and match:
                    found[request_id] = float(match.group(1))
            if len(found) >= len(wanted) or time.perf_counter() > deadline:
                return found
            time.sleep(0.1)

    # -- picks --

    def choose(self, http: httpx.Client) -> Picks:
        """Refs for the scenarios: the biggest owner squad, one of its members, a service."""
        expectations = self.stats["expectations"]
        owner_group, owner_components = next(iter(expectations["owners"].items()))
        name = owner_group.split("/", 1)[1]
        response = http.get(
            f"/api/catalog/entities/by-name/group/default/{name}",
            headers={"Accept": "application/json"},
        )
        if response.status_code != 200:
            raise BenchError(f"group {owner_group}: {response.status_code}")
        members = sorted(
            r["targetRef"]
            for r in response.json().get("relations") or []
            if r.get("type") == "hasMember"
        )
        if not members:
            response = http.get(
                "/api/catalog/entities/by-query",
                params={"filter": f"kind=user,relations.memberOf={owner_group}", "limit": "5"},
                headers={"Accept": "application/json"},
            )
            items = response.json().get("items", []) if response.status_code == 200 else []
            members = sorted(f"user:default/{item['metadata']['name']}".lower() for item in items)
        if not members:
            raise BenchError(f"no member of {owner_group} found to sign in as")
        user_ref = members[0]
        return Picks(
            owner_group=owner_group,
            owner_components=int(owner_components),
            user_ref=user_ref,
            user_name=user_ref.split("/", 1)[1],
            component=self.stats["sample_component"]["name"],
            terms=choose_terms(expectations, random.Random(self.args.seed)),
        )

    def validate(self, http: httpx.Client) -> str | None:
        """None when the database holds exactly the organisation; else what differs."""
        json_headers = {"Accept": "application/json"}
        response = http.get(
            "/api/catalog/entity-facets", params={"facet": "kind"}, headers=json_headers
        )
        if response.status_code != 200:
            raise BenchError(
                f"GET /api/catalog/entity-facets -> {response.status_code}: {response.text[:200]}"
            )
        kinds = {
            item["value"].lower(): item["count"]
            for item in response.json().get("facets", {}).get("kind", [])
        }
        kinds.pop("location", None)
        if kinds != self.stats["counts"]:
            return f"kinds {kinds} differ from the organisation's {self.stats['counts']}"
        refs = random.Random(self.args.seed).sample(self.manifest["refs"], 100)
        response = http.post(
            "/api/catalog/entities/by-refs", json={"entityRefs": refs}, headers=json_headers
        )
        if response.status_code != 200:
            raise BenchError(
                f"POST /api/catalog/entities/by-refs -> {response.status_code}: "
                f"{response.text[:200]}"
            )
        items = response.json().get("items", [])
        if len(items) != len(refs) or any(not item or not item.get("relations") for item in items):
            return "sampled entities are missing, or have no relations"
        return None

    def sign_in(self, http: httpx.Client, picks: Picks) -> None:
        """The development identity: read the CSRF token off a page, then POST the user."""
        page = http.get("/auth/development", params={"q": picks.user_name})
        if page.status_code != 200:
            raise BenchError(f"GET /auth/development -> {page.status_code}")
        match = re.search(r'name="csrf_token" value="([^"]+)"', page.text) or re.search(
            r'"X-CSRF-Token": "([^"]+)"', page.text
        )
        if not match:
            raise BenchError("no csrf_token on /auth/development")
        response = http.post(
            "/auth/development",
            data={"user_ref": picks.user_ref, "csrf_token": match.group(1), "next": "/catalog"},
        )
        if response.status_code != 303:
            raise BenchError(
                f"POST /auth/development -> {response.status_code}: {response.text[:300]}"
            )

    # -- render time --

    def verify(self, scenario: Scenario, response: httpx.Response) -> None:
        if response.status_code != 200:
            raise ScenarioError(f"GET {response.url.path} -> {response.status_code}")
        if not response.headers.get("content-type", "").startswith("text/html"):
            raise ScenarioError(f"GET {response.url.path}: {response.headers.get('content-type')}")
        text = response.text
        if scenario.rows != 0:
            rows = text.count("data-select-row")
            expected = scenario.rows
            if (expected is None and rows < 1) or (expected and rows != expected):
                raise ScenarioError(
                    f"GET {response.url}: {rows} rows, expected {scenario.rows or '>= 1'}"
                )
        if scenario.contains and scenario.contains not in text:
            raise ScenarioError(f"GET {response.url}: the page lacks {scenario.contains!r}")

    def render_time(self, scenario: Scenario) -> None:
        http = self.signed_in if scenario.signed_in else self.anonymous
        assert http is not None
        warmup, samples = self.args.warmup, self.args.samples
        for index in range(warmup):
            path = scenario.paths[index % len(scenario.paths)]
            response = http.get(path, headers={"X-Request-Id": f"warm-{scenario.key}-{index}"})
            self.verify(scenario, response)
        timings: list[float] = []
        ids: list[str] = []
        sizes: list[int] = []
        load_before = os.getloadavg()[0]
        http.get(GC_PATH, params={"reset": "1"})
        cpu_before = self.server_cpu_seconds()
        deadline = time.perf_counter() + self.args.scenario_deadline
        for index in range(samples):
            path = scenario.paths[index % len(scenario.paths)]
            request_id = f"{REQUEST_ID_PREFIX}{scenario.key}-{index}"
            started = time.perf_counter()
            response = http.get(path, headers={"X-Request-Id": request_id})
            elapsed = time.perf_counter() - started  # httpx has read the whole body
            self.verify(scenario, response)
            timings.append(elapsed * 1000)
            ids.append(request_id)
            sizes.append(len(response.content))
            if time.perf_counter() > deadline:
                self.result.setdefault("warnings", []).append(
                    f"{scenario.key}: deadline reached after {len(timings)} requests"
                )
                break
        cpu_ms = (self.server_cpu_seconds() - cpu_before) * 1000 / len(timings)
        gc_pauses = http.get(GC_PATH).json()
        gc_ms = sum(gc_pauses[g]["ms"] for g in ("0", "1", "2")) / len(timings)
        load_after = os.getloadavg()[0]
        server = self.server_times(set(ids))
        server_ms = [server[i] for i in ids if i in server]
        figures: dict[str, Any] = {
            "label": scenario.label,
            "paths": scenario.paths,
            "note": scenario.note,
            "requests": len(timings),
            "p50_ms": round(percentile(timings, 50), 2),
            "p95_ms": round(percentile(timings, 95), 2),
            "max_ms": round(max(timings), 2),
            "html_bytes": round(sum(sizes) / len(sizes)),
            "server_cpu_ms_per_request": round(cpu_ms, 2),
            "server_gc_ms_per_request": round(gc_ms, 2),
            "server_gc": gc_pauses,
            "load_1m": [round(load_before, 2), round(load_after, 2)],
            "samples_ms": [round(ms, 2) for ms in timings],
            "server_samples_ms": [server.get(i) for i in ids],
        }
        if server_ms:
            figures.update(
                server_requests=len(server_ms),
                server_p50_ms=round(percentile(server_ms, 50), 2),
                server_p95_ms=round(percentile(server_ms, 95), 2),
                server_max_ms=round(max(server_ms), 2),
            )
        self.result["scenarios"][scenario.key] = figures
        server_text = (
            f"; server p50 {figures['server_p50_ms']:.1f}, p95 {figures['server_p95_ms']:.1f}"
            if server_ms
            else "; no server figures in its log"
        )
        self.check(
            f"render:{scenario.key}",
            f"{scenario.label} p95",
            RENDER,
            figures["p95_ms"],
            f"p50 {figures['p50_ms']:.1f} ms, p95 {figures['p95_ms']:.1f} ms, "
            f"max {figures['max_ms']:.1f} ms{server_text}; server CPU {cpu_ms:.1f} ms/request, "
            f"GC {gc_ms:.1f} ms/request (full collections: {gc_pauses['2']['count']}, "
            f"longest {gc_pauses['2']['max_ms']:.0f} ms); "
            f"{figures['html_bytes'] / 1000:.1f} kB HTML; load {load_before:.1f}",
        )

    # -- page weight --

    def page_weight(self, base_url: str) -> None:
        # A browser's headers: the server may compress what it sends.
        headers = {"Accept": "text/html", "Accept-Encoding": "gzip, deflate"}
        with httpx.Client(
            base_url=base_url, timeout=self.args.request_timeout, trust_env=False
        ) as http:
            page = http.get("/catalog", headers=headers)
            if page.status_code != 200:
                raise BenchError(f"GET /catalog -> {page.status_code}")
            parser = _AssetParser()
            parser.feed(page.text)
            items = [("html", "/catalog", page)]
            for kind, href in parser.assets:
                url = urljoin(str(page.url), href)
                response = http.get(url, headers={**headers, "Accept": "*/*"})
                if response.status_code != 200:
                    raise BenchError(f"GET {href} -> {response.status_code}")
                items.append((kind, href, response))
        rows = []
        for kind, href, response in items:
            body = response.content
            rows.append(
                {
                    "kind": kind,
                    "url": href,
                    "bytes": len(body),
                    "gzip_bytes": len(gzip.compress(body, compresslevel=6, mtime=0)),
                    "transferred_bytes": response.num_bytes_downloaded,
                    "content_encoding": response.headers.get("content-encoding"),
                }
            )
        html_parts = html_breakdown(page.text)
        total = {
            key: sum(row[key] for row in rows)
            for key in ("bytes", "gzip_bytes", "transferred_bytes")
        }
        compressed = any(row["content_encoding"] for row in rows)
        self.result["page_weight"] = {
            "assets": rows,
            **total,
            "server_compresses": compressed,
            "html_parts": html_parts,
        }
        parts = ", ".join(f"{name} {size:,} B" for name, size in list(html_parts.items())[:6])
        self.say(f"[dim]largest parts of the /catalog HTML: {parts}[/]")
        for row in rows:
            encoding = row["content_encoding"] or "uncompressed"
            self.say(
                f"[dim]{row['kind']:>4} {row['url']}: {row['bytes']:,} B, "
                f"gzip {row['gzip_bytes']:,} B, sent {row['transferred_bytes']:,} B ({encoding})[/]"
            )
        self.check(
            "weight:raw",
            "/catalog weight, uncompressed",
            WEIGHT,
            round(total["bytes"] / 1000, 1),
            f"{total['bytes']:,} B (HTML {rows[0]['bytes']:,} B + {len(rows) - 1} CSS/JS files)",
        )
        self.check(
            "weight:gzip",
            "/catalog weight, gzip",
            WEIGHT,
            round(total["gzip_bytes"] / 1000, 1),
            f"{total['gzip_bytes']:,} B; the server sends {total['transferred_bytes']:,} B "
            f"({'compressed' if compressed else 'uncompressed: it does not compress'})",
        )

    # -- profiles --

    def profile(self, chosen: list[Scenario]) -> None:
        """Requests with the split header, then with the profile header (after a warm-up);
        the server writes what it measured when it stops."""
        for scenario in chosen:
            http = self.signed_in if scenario.signed_in else self.anonymous
            assert http is not None
            for header, count in (
                (None, 5),
                (SPLIT_HEADER, self.args.profile_requests),
                (PROFILE_HEADER, self.args.profile_requests),
            ):
                for index in range(count):
                    path = scenario.paths[index % len(scenario.paths)]
                    http.get(path, headers={header: scenario.key} if header else None)

    def report_profiles(self, chosen: list[Scenario], profile_dir: Path) -> None:
        self.result["profiles"] = {}
        for scenario in chosen:
            split_path = profile_dir / f"{scenario.key}.split.json"
            if split_path.is_file():
                split = summarise_split(json.loads(split_path.read_text(encoding="utf-8")))
                self.result.setdefault("splits", {})[scenario.key] = split
                self.print_split(scenario, split)
            path = profile_dir / f"{scenario.key}.pstats"
            if not path.is_file():
                self.say(f"[yellow]no profile written for {scenario.key}[/]")
                continue
            kept = self.args.out.parent / f"web-profile-{self.name}-{scenario.key}.pstats"
            shutil.copyfile(path, kept)
            summary = summarise_profile(pstats.Stats(str(path)), self.args.profile_requests)
            summary["file"] = str(kept)
            self.result["profiles"][scenario.key] = summary
            self.print_profile(scenario, summary)

    def print_split(self, scenario: Scenario, split: dict[str, Any]) -> None:
        cpu, wall = split["cpu_ms"], split["wall_ms"]
        self.say(
            f"[bold]where the time goes, {scenario.label}[/] (no profiler; CPU of the route's "
            f"threads / wall, ms per request): route {cpu['route']:.1f} / {wall['route']:.1f}: "
            f"templates {cpu['template']:.1f} / {wall['template']:.1f}, "
            f"SQL {cpu['sql']:.1f} / {wall['sql']:.1f} ({split['sql_statements']:.0f} "
            f"statements), other Python {cpu['other']:.1f} / {wall['other']:.1f}"
        )
        for statement in split["slowest_statements"][:3]:
            if statement["ms_per_request"] >= 1:
                self.say(
                    f"[dim]    SQL {statement['ms_per_request']:.1f} ms/request "
                    f"(x{statement['per_request']:g}): {statement['sql'][:300]}[/]"
                )

    def print_profile(self, scenario: Scenario, summary: dict[str, Any]) -> None:
        per_request = summary["ms_per_request"]
        parts = ", ".join(
            f"{name} {ms:.1f} ms ({ms / per_request:.0%})"
            for name, ms in summary["categories"].items()
        )
        self.say(
            f"[bold]profile {scenario.label}[/]: {per_request:.1f} ms/request in routes: {parts}"
        )
        table = Table(title=f"{self.name}: {scenario.label}, top own time (ms per request)")
        table.add_column("own ms", justify="right")
        table.add_column("cum ms", justify="right")
        table.add_column("calls/req", justify="right")
        table.add_column("function")
        for row in summary["top_own"][:12]:
            table.add_row(
                f"{row['own_ms']:.2f}",
                f"{row['cum_ms']:.2f}",
                f"{row['calls']:.0f}",
                row["function"],
            )
        self.console.print(table)
        table = Table(
            title=f"{self.name}: {scenario.label}, greenroom functions by cumulative time"
        )
        table.add_column("cum ms", justify="right")
        table.add_column("calls/req", justify="right")
        table.add_column("function")
        for row in summary["top_greenroom"][:12]:
            table.add_row(f"{row['cum_ms']:.2f}", f"{row['calls']:.0f}", row["function"])
        self.console.print(table)

    # -- driver --

    def run(self) -> dict[str, Any]:
        started = time.perf_counter()
        self.result["scenarios"] = {}
        try:
            self.database.acquire()
            self.database.upgrade()
            self.result["database_info"] = self.database.info
            self.measure()
            self.result["ok"] = not self.result.get("errors")
        except (BenchError, httpx.HTTPError, OSError, subprocess.SubprocessError) as exc:
            self.fail("run", exc)
            if self.server is not None and not isinstance(exc, ServerDiedError):
                tail = self.server.log_tail()
                if tail:
                    self.console.print(tail, markup=False, highlight=False)
        finally:
            self.database.drop()
            self.result["database_info"] = self.database.info
            self.result["seconds"] = round(time.perf_counter() - started, 1)
        return self.result

    def measure(self) -> None:
        with (
            self.serving("serve") as base_url,
            self.client(base_url) as anonymous,
            self.client(base_url) as signed_in,
        ):
            problem = self.validate(anonymous)
            if problem is None:
                self.measure_pages(base_url, anonymous, signed_in)
        if problem is not None:
            if self.database.info.get("origin") == "filled by this benchmark":
                raise BenchError(f"the database does not hold the organisation: {problem}")
            self.say(f"[yellow]the database does not hold the organisation ({problem})[/]")
            self.database.build()
            self.database.upgrade()
            with (
                self.serving("serve") as base_url,
                self.client(base_url) as anonymous,
                self.client(base_url) as signed_in,
            ):
                if problem := self.validate(anonymous):
                    raise BenchError(f"the database does not hold the organisation: {problem}")
                self.measure_pages(base_url, anonymous, signed_in)
        self.profile_short()

    def measure_pages(
        self, base_url: str, anonymous: httpx.Client, signed_in: httpx.Client
    ) -> None:
        self.anonymous, self.signed_in = anonymous, signed_in
        # Keep this process's collector off the clock: what is loaded so far stays put.
        gc.collect()
        gc.freeze()
        self.picks = picks = self.choose(anonymous)
        self.sign_in(signed_in, picks)
        self.result["picks"] = {
            "user": picks.user_ref,
            "owner_group": picks.owner_group,
            "owner_components": picks.owner_components,
            "component": picks.component,
            "terms": picks.terms,
        }
        self.chosen = [
            s
            for s in scenarios(picks, self.stats["counts"])
            if not self.args.only or s.key in self.args.only
        ]
        for scenario in self.chosen:
            try:
                self.wait_for_quiet()
                self.render_time(scenario)
            except ServerDiedError:
                raise
            except (BenchError, httpx.HTTPError, ValueError) as exc:
                self.fail(scenario.label, exc)
                self.result["scenarios"][scenario.key] = {
                    "label": scenario.label,
                    "error": str(exc),
                }
        try:
            self.page_weight(base_url)
        except (BenchError, httpx.HTTPError) as exc:
            self.fail("page weight", exc)

    def profile_short(self) -> None:
        """Profile the pages that missed their target (or all, or none: `--profile`)."""
        to_profile = [
            s
            for s in self.chosen
            if self.args.profile == "all"
            or (
                self.args.profile == "auto"
                and self.result["checks"].get(f"render:{s.key}", {}).get("status") == "SHORT"
            )
        ]
        if not to_profile or self.picks is None:
            return
        profile_dir = self.args.run_dir / f"profiles-{self.name}"
        shutil.rmtree(profile_dir, ignore_errors=True)
        self.say(f"profiling {', '.join(s.key for s in to_profile)} (cProfile in the server)")
        with (
            self.serving("profile", profile_dir) as base_url,
            self.client(base_url) as anonymous,
            self.client(base_url) as signed_in,
        ):
            self.anonymous, self.signed_in = anonymous, signed_in
            self.sign_in(signed_in, self.picks)
            self.profile(to_profile)
        self.report_profiles(to_profile, profile_dir)


# --- profile summaries ---------------------------------------------------------------------


def _category(filename: str, function: str) -> str:
    if filename == "~":
        if "sqlite3" in function or "psycopg" in function:
            return "database driver"
        return "builtins"
    path = filename.replace("\\", "/")
    if "/psycopg" in path or "/sqlite3/" in path:
        return "database driver"
    if "/sqlalchemy/" in path:
        return "SQLAlchemy"
    if "/jinja2/" in path or "/markupsafe/" in path or path.endswith(".html"):
        return "templates"
    if "/greenroom/" in path:
        return "greenroom"
    if any(part in path for part in ("/starlette/", "/fastapi/", "/pydantic", "/anyio/")):
        return "framework"
    return "other Python"


def _describe(filename: str, line: int, function: str) -> str:
    if filename == "~":
        return function
    path = filename.replace("\\", "/")
    for marker in ("/site-packages/", "/src/", "/lib/python3"):
        if marker in path:
            path = path.split(marker, 1)[1]
            break
    return f"{path}:{line} {function}"


def summarise_split(figures: dict[str, Any]) -> dict[str, Any]:
    """Per request: the route's threads, template rendering, SQL statements, the rest."""
    requests = max(1.0, figures.get("request_count", 0.0))
    per: dict[str, dict[str, float]] = {"cpu_ms": {}, "wall_ms": {}}
    for clock, out in (("cpu", per["cpu_ms"]), ("wall", per["wall_ms"])):
        for part in ("route", "template", "sql"):
            out[part] = round(figures.get(f"{part}_{clock}", 0.0) * 1000 / requests, 2)
        out["other"] = round(out["route"] - out["template"] - out["sql"], 2)
    slowest = [
        {
            "sql": " ".join(str(item["sql"]).split())[:600],
            "per_request": round(item["count"] / requests, 2),
            "ms_per_request": round(item["wall"] * 1000 / requests, 2),
        }
        for item in figures.get("statements", [])
    ]
    return {
        "requests": int(requests),
        **per,
        "sql_statements": round(figures.get("sql_count", 0.0) / requests, 1),
        "slowest_statements": slowest,
    }


def summarise_profile(stats: pstats.Stats, requests: int) -> dict[str, Any]:
    """Own time by category, and the top functions, per request."""
    entries = stats.stats  # type: ignore[attr-defined]
    per = 1000 / max(1, requests)
    total = sum(tt for (_cc, _nc, tt, _ct, _callers) in entries.values())
    categories: dict[str, float] = {}
    rows = []
    for (filename, line, function), (_cc, calls, own, cumulative, _callers) in entries.items():
        category = _category(filename, function)
        categories[category] = categories.get(category, 0.0) + own * per
        rows.append(
            {
                "function": _describe(filename, line, function),
                "category": category,
                "own_ms": round(own * per, 3),
                "cum_ms": round(cumulative * per, 3),
                "calls": calls / max(1, requests),
                "greenroom": "/greenroom/" in filename.replace("\\", "/"),
            }
        )
    top_own = sorted(rows, key=lambda row: row["own_ms"], reverse=True)[:25]
    top_greenroom = sorted(
        (row for row in rows if row["greenroom"]), key=lambda row: row["cum_ms"], reverse=True
    )[:25]
    return {
        "requests": requests,
        "ms_per_request": round(total * per, 2),
        "categories": {
            name: round(ms, 2) for name, ms in sorted(categories.items(), key=lambda kv: -kv[1])
        },
        "top_own": top_own,
        "top_greenroom": top_greenroom,
    }


# --- driver --------------------------------------------------------------------------------


def summary(results: dict[str, Any], console: Console) -> None:
    for name, result in results["databases"].items():
        table = Table(
            title=f"greenroom web UI, {results['entities']:,} entities, {name}: "
            "render time = client time to full body (server = its request log line)"
        )
        for column, justify in (
            ("page", "left"),
            ("p50 ms", "right"),
            ("p95 ms", "right"),
            ("max ms", "right"),
            ("server p50", "right"),
            ("server p95", "right"),
            ("CPU ms/req", "right"),
            ("GC ms/req", "right"),
            ("HTML kB", "right"),
            ("target", "left"),
            ("", "left"),
        ):
            table.add_column(column, justify=justify)  # type: ignore[arg-type]
        for key, figures in result.get("scenarios", {}).items():
            if "error" in figures:
                table.add_row(figures["label"], *["-"] * 8, RENDER.describe(), "[red]FAILED[/]")
                continue
            status = result["checks"][f"render:{key}"]["status"]
            colour = "green" if status == "PASS" else "red"
            table.add_row(
                figures["label"],
                f"{figures['p50_ms']:.1f}",
                f"{figures['p95_ms']:.1f}",
                f"{figures['max_ms']:.1f}",
                f"{figures.get('server_p50_ms', float('nan')):.1f}",
                f"{figures.get('server_p95_ms', float('nan')):.1f}",
                f"{figures['server_cpu_ms_per_request']:.1f}",
                f"{figures.get('server_gc_ms_per_request', float('nan')):.1f}",
                f"{figures['html_bytes'] / 1000:.1f}",
                f"p95 {RENDER.describe()}",
                f"[{colour}]{status}[/]",
            )
        weight = result.get("page_weight")
        if weight:
            for key, label, value in (
                ("weight:raw", "/catalog + CSS + JS, uncompressed", weight["bytes"]),
                ("weight:gzip", "/catalog + CSS + JS, gzip", weight["gzip_bytes"]),
            ):
                status = result["checks"][key]["status"]
                colour = "green" if status == "PASS" else "red"
                table.add_row(
                    label,
                    *[""] * 7,
                    f"{value / 1000:.1f}",
                    WEIGHT.describe(),
                    f"[{colour}]{status}[/]",
                )
        console.print(table)


def source_modified() -> bool | None:
    """Whether tracked files differ from the commit (the figures are for the work tree)."""
    try:
        done = subprocess.run(
            ["git", "-C", str(REPO_ROOT), "status", "--porcelain", "--untracked-files=no"],
            capture_output=True,
            text=True,
            check=True,
        )
    except (OSError, subprocess.CalledProcessError):
        return None
    return bool(done.stdout.strip())


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Benchmark greenroom's web UI: server render time of catalog pages and "
        "the catalog page's weight, on a synthetic organisation, on SQLite and PostgreSQL.",
    )
    add = parser.add_argument
    add("--entities", type=int, help="entities (default: 100000; 10000 with --quick)")
    add("--quick", action="store_true", help="smoke run: 10,000 entities, 30 samples")
    add(
        "--databases",
        default="sqlite",
        help="comma-separated: sqlite,postgres (default: %(default)s)",
    )
    add(
        "--postgres-url",
        default=DEFAULT_POSTGRES_URL,
        help="created and dropped (default: %(default)s)",
    )
    add("--keep-database", action="store_true", help="leave the PostgreSQL database in place")
    add("--out", type=Path, help="results JSON (default: benchmarks/results/web.json)")
    add("--work-dir", type=Path, help="organisation, databases, logs (default: benchmarks/.work)")
    add("--seed", type=int, default=7, help="organisation seed (default: %(default)s)")
    add("--rebuild", action="store_true", help="fill a new database even if one can be reused")
    add("--samples", type=int, help="timed requests per page (default: 200; 30 with --quick)")
    add("--warmup", type=int, help="untimed requests per page first (default: 20; 5 with --quick)")
    add("--only", help="comma-separated scenario keys (default: all)")
    add(
        "--profile",
        choices=("auto", "all", "none"),
        default="auto",
        help="profile the pages that miss their target (auto), all, or none (default: %(default)s)",
    )
    add("--profile-requests", type=int, default=50, help="per profiled page (default: %(default)s)")
    add("--ingest-timeout", type=float, default=1800, help="seconds (default: %(default)s)")
    add("--upgrade-timeout", type=float, default=600, help="seconds (default: %(default)s)")
    add("--start-timeout", type=float, default=120, help="seconds (default: %(default)s)")
    add("--scenario-deadline", type=float, default=600, help="seconds (default: %(default)s)")
    add("--request-timeout", type=float, default=60, help="seconds (default: %(default)s)")
    add(
        "--wait-idle",
        type=float,
        default=0,
        help="before each page, wait up to this many seconds for the 1-minute load average "
        "to fall below --idle-load (default: %(default)s, do not wait)",
    )
    add("--idle-load", type=float, default=1.0, help="(default: %(default)s)")
    add("--greenroom", help="command running the greenroom CLI (default: the venv's greenroom)")
    add("--strict", action="store_true", help="exit 1 when any figure is SHORT")
    args = parser.parse_args(argv)
    if args.entities is None:
        args.entities = 10_000 if args.quick else 100_000
    if args.samples is None:
        args.samples = 30 if args.quick else 200
    if args.warmup is None:
        args.warmup = 5 if args.quick else 20
    args.databases = [name.strip() for name in args.databases.split(",") if name.strip()]
    unknown = set(args.databases) - {"sqlite", "postgres"}
    if unknown or not args.databases:
        parser.error(f"unknown databases: {', '.join(sorted(unknown)) or '(none)'}")
    args.only = {key.strip() for key in args.only.split(",")} if args.only else set()
    args.work_dir = (args.work_dir or REPO_ROOT / "benchmarks" / ".work").resolve()
    # The catalog benchmark's organisation (work dir/org) at its default size; other
    # sizes get their own, so a quick run never regenerates the catalog benchmark's.
    args.org_parent = (
        args.work_dir
        if args.entities == 100_000
        else args.work_dir / "web" / f"org-{args.entities}"
    )
    args.run_dir = args.work_dir / "web" / f"n{args.entities}"
    args.regenerate = False
    args.out = (args.out or REPO_ROOT / "benchmarks" / "results" / "web.json").resolve()
    return args


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["serve"]:
        return serve_app()
    args = parse_args(argv)
    console = Console(width=None if sys.stdout.isatty() else 150)
    args.run_dir.mkdir(parents=True, exist_ok=True)
    org_args = argparse.Namespace(**{**vars(args), "work_dir": args.org_parent})
    args.org_parent.mkdir(parents=True, exist_ok=True)
    stats, manifest = organisation(org_args, console)
    results: dict[str, Any] = {
        "benchmark": "web",
        "started": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "entities": stats["entities"],
        "quick": args.quick,
        "samples": args.samples,
        "warmup": args.warmup,
        "measured": "render time: client-side, from sending a GET (Accept: text/html) on a "
        "kept-alive connection to having the whole body; server: the app's request log "
        "line (RequestContextMiddleware), from the app being called to the body being sent",
        "machine": {**machine(), "load_1m_at_start": round(os.getloadavg()[0], 2)},
        "source_tree_modified": source_modified(),
        "server": "uvicorn (as greenroom serve), create_app() with run_workers=false, "
        "auth.public_read=true (for the anonymous pages), auth.development_identity=true "
        "(to sign in as a user), JSON logs",
        "organisation": {k: v for k, v in stats.items() if k != "expectations"},
        "targets": {
            "render": f"p95 {RENDER.describe()}",
            "weight": f"{WEIGHT.describe()} (150,000 B)",
        },
        "databases": {},
    }
    return measure_each_database(
        args,
        results,
        console,
        lambda name: WebRun(name, args, stats, manifest, console),
        lambda run: run.run(),
        summary,
    )


if __name__ == "__main__":
    sys.exit(main())
