"""The catalog benchmark: ingestion, freshness, query latency and memory of `greenroom serve`.

For each database (SQLite, PostgreSQL) it starts `greenroom serve` on an empty database
with git discovery over a synthetic organisation (`benchmarks/synthetic_org.py`) and
measures over HTTP:

a. first full ingestion (entities/s, from process start until every entity is served
   with its relations),
b. unchanged re-ingestion (`POST /api/catalog/refresh {}`; entities/s and rows written),
c. edit-to-served (a new commit changing one description, then a targeted refresh),
d. `GET /entities/by-query` latency, first and tenth page, for the catalog page's queries,
e. `GET /entity-facets` latency, f. `POST /entities/by-refs` latency (100 refs),
g. peak resident memory of the server.

Each figure is printed as it completes, compared with its target (PASS / SHORT), and
written to `--out` as JSON. `make bench` runs `python benchmarks/catalog.py`;
`--quick` runs a 5,000 entity smoke test.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import math
import os
import platform
import random
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit, urlunsplit

import httpx
from rich.console import Console
from rich.table import Table

if __package__ in (None, ""):  # run as `python benchmarks/catalog.py`
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.synthetic_org import (
    GENERATOR_VERSION,
    generate,
    git_commit,
    git_env,
    load_manifest,
)

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/greenroom_bench"
FULL_TEXT_FIELDS = "metadata.name,metadata.title,spec.profile.displayName"
PAGE_SIZE = 20
GIB = 1024**3


R = TypeVar("R")
BENCH_USER = "user:default/benchmark"
"""Whom the benchmark's requests act as: an admin (auth.admin_users) with a token."""


@dataclass(frozen=True, slots=True)
class Target:
    label: str
    op: str  # ">=", "<=" or "=="
    value: float
    unit: str

    def met(self, measured: float) -> bool:
        if self.op == ">=":
            return measured >= self.value
        if self.op == "<=":
            return measured <= self.value
        return measured == self.value

    def describe(self) -> str:
        return f"{self.op} {_fmt(self.value)} {self.unit}".strip()


TARGETS = {
    "ingestion": Target("first ingestion", ">=", 2000, "entities/s"),
    "reingestion": Target("unchanged re-ingestion", ">=", 10000, "entities/s"),
    "reingestion_written": Target("rows written by unchanged pass", "==", 0, "rows"),
    "edit": Target("edit to served", "<=", 2.0, "s"),
    "by_query": Target("by-query p95", "<=", 30, "ms"),
    "facets": Target("entity-facets p95", "<=", 50, "ms"),
    "by_refs": Target("by-refs (100 refs) p95", "<=", 30, "ms"),
    "rss": Target("peak RSS", "<=", 1024, "MiB"),
}


class BenchError(Exception):
    """A measurement could not be made; the message says why."""


class ServerDiedError(BenchError):
    """The server process exited; nothing more can be measured on this database."""


def _fmt(value: float) -> str:
    if isinstance(value, int) or float(value).is_integer():
        return f"{int(value):,}"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    return f"{value:.3g}" if abs(value) < 10 else f"{value:.1f}"


def percentile(samples: list[float], pct: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(samples)
    rank = max(1, math.ceil(pct / 100 * len(ordered)))
    return ordered[rank - 1]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# --- process memory ----------------------------------------------------------------------


def _proc_status_kib(pid: int, field: str) -> int | None:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii", errors="replace") as handle:
            for line in handle:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        return None
    return None


def descendants(pid: int) -> list[int]:
    """Every live descendant of `pid` (psutil when installed, else a /proc scan)."""
    try:
        import psutil  # type: ignore[import-untyped]
    except ImportError:
        psutil = None
    if psutil is not None:
        try:
            return [child.pid for child in psutil.Process(pid).children(recursive=True)]
        except psutil.Error:
            return []
    parents: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text(encoding="ascii", errors="replace")
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        parents.setdefault(ppid, []).append(int(entry.name))
    found: list[int] = []
    queue = [pid]
    while queue:
        for child in parents.get(queue.pop(), []):
            found.append(child)
            queue.append(child)
    return found


def peak_rss(pid: int) -> dict[str, Any]:
    """VmHWM (peak resident set) of the process and, summed, of its live descendants."""
    own = _proc_status_kib(pid, "VmHWM") or 0
    children = {child: _proc_status_kib(child, "VmHWM") or 0 for child in descendants(pid)}
    total = own + sum(children.values())
    return {
        "process_mib": round(own / 1024, 1),
        "children_mib": round(sum(children.values()) / 1024, 1),
        "children": len(children),
        "total_mib": round(total / 1024, 1),
        "current_rss_mib": round((_proc_status_kib(pid, "VmRSS") or 0) / 1024, 1),
    }


# --- the server under test -----------------------------------------------------------------


def greenroom_command(explicit: str | None) -> tuple[list[str], dict[str, str]]:
    """How to run the `greenroom` CLI, and extra environment it needs."""
    if explicit:
        return shlex.split(explicit), {}
    script = Path(sys.executable).parent / "greenroom"
    if script.is_file():
        return [str(script)], {}
    # Not installed: run the package from the checkout.
    pythonpath = os.pathsep.join(
        filter(None, [str(REPO_ROOT / "src"), os.environ.get("PYTHONPATH")])
    )
    return [sys.executable, "-m", "greenroom"], {"PYTHONPATH": pythonpath}


def reset_postgres(url: str) -> None:
    """Drop and create the database `url` names, through the server's `postgres` database."""
    try:
        import psycopg
        from psycopg import sql
    except ImportError as exc:
        raise BenchError(f"psycopg is not installed: {exc}") from exc
    parts = urlsplit(url)
    database = parts.path.lstrip("/")
    if not database:
        raise BenchError(f"{url}: no database name in the URL")
    admin = urlunsplit(("postgresql", parts.netloc, "/postgres", parts.query, ""))
    try:
        with psycopg.connect(admin, autocommit=True, connect_timeout=10) as conn:
            name = sql.Identifier(database)
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))
            conn.execute(sql.SQL("CREATE DATABASE {}").format(name))
    except psycopg.Error as exc:
        raise BenchError(f"cannot recreate database {database!r} via {admin}: {exc}") from exc


class Server:
    """`greenroom serve` as a subprocess, with its log in a file."""

    def __init__(self, command: list[str], env: dict[str, str], log_path: Path, port: int):
        self.command = command
        self.env = env
        self.log_path = log_path
        self.port = port
        self.proc: subprocess.Popen[bytes] | None = None
        self.started = 0.0

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    def start(self) -> None:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        log = self.log_path.open("wb")
        self.started = time.perf_counter()
        self.proc = subprocess.Popen(
            [*self.command, "serve"],
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            cwd=self.log_path.parent,
        )
        log.close()

    def check_alive(self) -> None:
        if self.proc is not None and self.proc.poll() is not None:
            raise ServerDiedError(
                f"greenroom serve exited with code {self.proc.returncode}\n{self.log_tail()}"
            )

    def log_tail(self, lines: int = 25) -> str:
        try:
            text = self.log_path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""
        tail = text.splitlines()[-lines:]
        return f"last lines of {self.log_path}:\n" + "\n".join(f"    {line}" for line in tail)

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        leftovers = descendants(self.proc.pid)
        self.proc.terminate()
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=10)
        for pid in leftovers:  # workers the server started and did not reap
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGTERM)


# --- measurements --------------------------------------------------------------------------


class DatabaseRun:
    """All measurements against one database."""

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
        self.token = ""
        """A bearer token made with `greenroom token create` once the schema exists."""
        self.expected = int(stats["entities"])
        self.rng = random.Random(args.seed)
        self.result: dict[str, Any] = {"database": name, "ok": False, "checks": {}}
        self.server: Server | None = None
        self.client: httpx.Client | None = None

    # -- output --

    def say(self, message: str) -> None:
        self.console.print(f"[bold cyan]{self.name:>8}[/] {message}", soft_wrap=True)

    def check(self, key: str, value: float, detail: str, label: str | None = None) -> None:
        target = TARGETS[key.split(":")[0]]
        met = target.met(value)
        status = "PASS" if met else "SHORT"
        self.result["checks"][key] = {
            "label": label or target.label,
            "value": value,
            "target": target.describe(),
            "status": status,
        }
        colour = "green" if met else "red"
        self.say(
            f"[bold {colour}]{status:<5}[/] {label or target.label}: {detail} "
            f"[dim](target {target.describe()})[/]"
        )

    def warn(self, message: str) -> None:
        self.result.setdefault("warnings", []).append(message)
        self.say(f"[yellow]warning:[/] {message}")

    # -- plumbing --

    @property
    def http(self) -> httpx.Client:
        assert self.client is not None
        return self.client

    def alive(self) -> None:
        if self.server is not None:
            self.server.check_alive()

    def get_json(self, path: str, **kwargs: Any) -> Any:
        response = self.http.get(path, **kwargs)
        if response.status_code != 200:
            raise BenchError(f"GET {response.url} -> {response.status_code}: {response.text[:300]}")
        return response.json()

    def status(self) -> dict[str, Any]:
        status = self.get_json("/api/catalog/status")
        if not isinstance(status, dict):
            raise BenchError(f"/api/catalog/status returned {status!r}")
        return status

    def timed(self, send: Callable[[], httpx.Response]) -> tuple[float, httpx.Response]:
        started = time.perf_counter()
        response = send()  # httpx reads the whole body before returning
        elapsed = time.perf_counter() - started
        if response.status_code != 200:
            raise BenchError(
                f"{response.request.method} {response.url} -> {response.status_code}: "
                f"{response.text[:300]}"
            )
        return elapsed, response

    # -- setup --

    def prepare(self, work_dir: Path) -> tuple[list[str], dict[str, str]]:
        data_dir = work_dir / f"data-{self.name}"
        if data_dir.exists():
            shutil.rmtree(data_dir)
        data_dir.mkdir(parents=True)
        if self.name == "sqlite":
            database_url = f"sqlite:///{data_dir / 'greenroom.db'}"
        else:
            database_url = self.args.postgres_url
            reset_postgres(database_url)
        config = work_dir / f"greenroom-{self.name}.yaml"
        config.write_text(
            "catalog:\n"
            "  processing_interval_seconds: 0\n"
            "  git_discovery:\n"
            f"    - root: {json.dumps(self.stats['repos_dir'])}\n"
            # The benchmark's client is an admin with a token, as automation would be.
            f"auth:\n  admin_users: [{BENCH_USER}]\n",
            encoding="utf-8",
        )
        command, extra_env = greenroom_command(self.args.greenroom)
        env = {k: v for k, v in os.environ.items() if not k.startswith("GREENROOM_")}
        env.update(extra_env)
        env.update(
            GREENROOM_DATABASE_URL=database_url,
            GREENROOM_DATA_DIR=str(data_dir),
            GREENROOM_CONFIG_FILE=str(config),
            GREENROOM_HOST="127.0.0.1",
            PYTHONUNBUFFERED="1",
        )
        self.result["database_url"] = database_url
        log = work_dir / "logs" / f"{self.name}-db-upgrade.log"
        log.parent.mkdir(parents=True, exist_ok=True)
        started = time.perf_counter()
        try:
            done = subprocess.run(
                [*command, "db", "upgrade"],
                env=env,
                capture_output=True,
                timeout=self.args.upgrade_timeout,
                check=False,
                cwd=work_dir,
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise BenchError(f"greenroom db upgrade failed: {exc}") from exc
        log.write_bytes(done.stdout + done.stderr)
        if done.returncode != 0:
            output = (done.stdout + done.stderr).decode("utf-8", "replace").strip()
            tail = "\n".join(f"    {line}" for line in output.splitlines()[-25:])
            raise BenchError(
                f"{shlex.join([*command, 'db', 'upgrade'])} exited with {done.returncode}; "
                f"last lines (all in {log}):\n{tail}"
            )
        self.result["db_upgrade_seconds"] = round(time.perf_counter() - started, 3)
        created = subprocess.run(
            [*command, "token", "create", "--user", BENCH_USER, "--expires", "2d"],
            env=env,
            capture_output=True,
            text=True,
            timeout=self.args.upgrade_timeout,
            check=False,
            cwd=work_dir,
        )
        if created.returncode != 0:
            raise BenchError(f"greenroom token create failed: {created.stderr.strip()}")
        self.token = created.stdout.strip().splitlines()[-1]
        return command, env

    # -- (a) first ingestion --

    def kinds_match(self, served_total: int) -> bool:
        """True when the served entities are exactly the generated ones.

        A server may add Location entities for discovered files; those are not counted.
        """
        if served_total == self.expected:
            return True
        facets = self.get_json("/api/catalog/entity-facets", params=[("facet", "kind")]).get(
            "facets", {}
        )
        served = {f["value"].lower(): f["count"] for f in facets.get("kind", [])}
        served.pop("location", None)
        return served == self.stats["counts"]

    def sample_complete(self, refs: list[str]) -> tuple[bool, str]:
        items = self.http.post("/api/catalog/entities/by-refs", json={"entityRefs": refs})
        if items.status_code != 200:
            return False, f"by-refs -> {items.status_code}"
        body = items.json().get("items", [])
        missing = [ref for ref, item in zip(refs, body, strict=False) if item is None]
        bare = [
            ref for ref, item in zip(refs, body, strict=False) if item and not item.get("relations")
        ]
        if len(body) != len(refs) or missing or bare:
            return False, f"{len(missing)} missing, {len(bare)} without relations"
        return True, ""

    def first_ingestion(self) -> None:
        assert self.server is not None
        deadline = self.server.started + self.args.ingest_timeout
        sample = self.rng.sample(self.manifest["refs"], min(200, len(self.manifest["refs"])))
        ready_at: float | None = None
        last_report = 0.0
        last: dict[str, Any] = {}
        why = "not ready"
        while True:
            now = time.perf_counter()
            if now > deadline:
                raise BenchError(
                    f"ingestion not complete after {self.args.ingest_timeout:.0f} s "
                    f"(last status {last}, {why})"
                )
            self.alive()
            try:
                if ready_at is None:
                    if self.http.get("/readyz").status_code == 200:
                        ready_at = time.perf_counter()
                        self.say(f"ready after {ready_at - self.server.started:.1f} s")
                else:
                    last = self.status()
                    entities = int(last.get("entities") or 0)
                    pending = last.get("pending")
                    why = f"pending {pending}, {entities:,} entities"
                    if pending == 0 and entities >= self.expected:
                        if not self.kinds_match(entities):
                            why = "entity kinds differ from the generated ones"
                        else:
                            complete, why = self.sample_complete(sample)
                            if complete:
                                break
                    if now - last_report > 10:
                        last_report = now
                        self.say(f"[dim]ingesting: {why}[/]")
            except ServerDiedError:
                raise
            except (httpx.TransportError, BenchError, ValueError) as exc:
                why = f"{type(exc).__name__}: {exc}"  # starting up, or a transient error
            time.sleep(0.1 if ready_at is None else 0.25)
        seconds = time.perf_counter() - self.server.started
        rate = self.expected / seconds
        self.result["ingestion"] = {
            "seconds": round(seconds, 3),
            "ready_seconds": round((ready_at or 0) - self.server.started, 3),
            "entities_per_second": round(rate, 1),
            "status": last,
        }
        self.check(
            "ingestion",
            round(rate, 1),
            f"{self.expected:,} entities in {seconds:.1f} s = {_fmt(rate)}/s",
        )

    # -- (b) unchanged re-ingestion --

    def wait_for_pass(self, before: Any, since: float, deadline: float) -> dict[str, Any]:
        """Poll the status until a new pass has finished and nothing is pending.

        The pass must differ from `before` and, when its `started` can be read as a
        time, must have started at or after `since` (wall-clock seconds).
        """
        while True:
            self.alive()
            status = self.status()
            last_pass = status.get("last_pass")
            if (
                isinstance(last_pass, dict)
                and last_pass != before
                and last_pass.get("finished")
                and status.get("pending") == 0
            ):
                started = _timestamp(last_pass.get("started"))
                if started is None or started >= since - 1.0:  # 1 s: coarse server clocks
                    return status
            if time.perf_counter() > deadline:
                raise BenchError(f"no finished pass before the deadline (status {status})")
            time.sleep(0.05)

    def unchanged_reingestion(self) -> None:
        before = self.status().get("last_pass")
        since = time.time()
        started = time.perf_counter()
        response = self.http.post("/api/catalog/refresh", json={})
        if response.status_code != 200:
            raise BenchError(f"POST /refresh {{}} -> {response.status_code}: {response.text[:300]}")
        status = self.wait_for_pass(before, since, started + self.args.ingest_timeout)
        wall = time.perf_counter() - started
        last_pass = status["last_pass"]
        rate = float(last_pass.get("entities_per_second") or 0)
        written = last_pass.get("written")
        self.result["reingestion"] = {
            "wall_seconds": round(wall, 3),
            "wall_entities_per_second": round(self.expected / wall, 1),
            "entities_per_second": rate,
            "written": written,
            "unchanged": last_pass.get("unchanged"),
            "status": status,
        }
        self.check(
            "reingestion",
            rate,
            f"{_fmt(rate)}/s (server); wall {wall:.2f} s = {_fmt(self.expected / wall)}/s",
        )
        self.check(
            "reingestion_written",
            written if isinstance(written, int | float) else -1,
            f"written {written}, unchanged {last_pass.get('unchanged')}",
        )
        if int(status.get("entities") or 0) < self.expected:
            self.warn(f"entity count fell to {status.get('entities')} after re-ingestion")

    # -- (c) edit to served --

    def edit_to_served(self) -> None:
        sample = self.stats["sample_component"]
        path = Path(sample["path"])
        original = path.read_text(encoding="utf-8")
        try:
            self.measure_edits(sample["ref"], sample["name"], path)
        finally:  # leave the organisation as generated for the next database
            if path.read_text(encoding="utf-8") != original:
                path.write_text(original, encoding="utf-8")
                git_commit(path.parent, "bench: restore", git_env(fixed_dates=False))

    def measure_edits(self, ref: str, name: str, path: Path) -> None:
        by_name = f"/api/catalog/entities/by-name/component/default/{name}"
        seconds: list[float] = []
        commits: list[float] = []
        for attempt in range(self.args.edits):
            new = f"Edited by the catalog benchmark, run {time.time_ns()} attempt {attempt + 1}."
            commit_started = time.perf_counter()
            replace_description(path, name, new)
            git_commit(path.parent, f"bench: edit {name}", git_env(fixed_dates=False))
            started = time.perf_counter()  # the clock starts once the commit exists
            commits.append(started - commit_started)
            response = self.http.post("/api/catalog/refresh", json={"entityRef": ref})
            if response.status_code != 200:
                raise BenchError(f"POST /refresh -> {response.status_code}: {response.text[:300]}")
            deadline = started + self.args.edit_timeout
            while True:
                response = self.http.get(by_name)
                if response.status_code == 200:
                    if response.json().get("metadata", {}).get("description") == new:
                        break
                elif response.status_code != 404:
                    raise BenchError(f"GET {by_name} -> {response.status_code}")
                if time.perf_counter() > deadline:
                    raise BenchError(
                        f"the new description of {ref} was not served within "
                        f"{self.args.edit_timeout:.0f} s"
                    )
                self.alive()
                time.sleep(0.02)
            seconds.append(time.perf_counter() - started)
        worst = max(seconds)
        self.result["edit"] = {
            "ref": ref,
            "seconds": [round(s, 3) for s in seconds],
            "worst_seconds": round(worst, 3),
            "commit_seconds": [round(s, 3) for s in commits],
        }
        shown = ", ".join(f"{s:.2f}" for s in seconds)
        self.check("edit", round(worst, 3), f"worst {worst:.2f} s of [{shown}] s")

    # -- (d) by-query --

    def query_shapes(self) -> dict[str, tuple[list[list[tuple[str, str]]], list[int]]]:
        """Per query: the parameter lists to cycle through and their expected totalItems."""
        expectations = self.stats["expectations"]
        order = self.rng
        owners = list(expectations["owners"].items())
        order.shuffle(owners)
        terms = list(expectations["terms"].items())
        order.shuffle(terms)
        tag_count = expectations["tags"].get("java", 0)
        type_count = expectations["type_lifecycle"].get("service/production", 0)
        limit = ("limit", str(PAGE_SIZE))
        return {
            "kind+owner": (
                [
                    [("filter", f"kind=component,relations.ownedBy={owner}"), limit]
                    for owner, _ in owners
                ],
                [count for _, count in owners],
            ),
            "kind+type+lifecycle": (
                [[("filter", "kind=component,spec.type=service,spec.lifecycle=production"), limit]],
                [type_count],
            ),
            "tag": ([[("filter", "kind=component,metadata.tags=java"), limit]], [tag_count]),
            "full text": (
                [
                    [
                        ("filter", "kind=component"),
                        ("fullTextFilterTerm", term),
                        ("fullTextFilterFields", FULL_TEXT_FIELDS),
                        ("orderField", "metadata.name,asc"),
                        limit,
                    ]
                    for term, _ in terms
                ],
                [count for _, count in terms],
            ),
        }

    def query_page(self, params: list[tuple[str, str]], page: int) -> tuple[float, dict[str, Any]]:
        """Fetch page `page` (1-based) by following nextCursor; time only the last request."""
        url = "/api/catalog/entities/by-query"
        current = params
        for _ in range(page - 1):
            response = self.http.get(url, params=current)
            if response.status_code != 200:
                raise BenchError(f"GET {response.url} -> {response.status_code}")
            cursor = response.json().get("pageInfo", {}).get("nextCursor")
            if not cursor:
                raise BenchError(f"no nextCursor before page {page} of {params}")
            current = [("cursor", cursor), ("limit", str(PAGE_SIZE))]
        elapsed, response = self.timed(lambda: self.http.get(url, params=current))
        return elapsed, response.json()

    def by_query(self) -> None:
        samples = self.args.samples
        self.result["by_query"] = {}
        for query, (variants, counts) in self.query_shapes().items():
            for page in (1, 10):
                key = f"by_query:{query}:page{page}"
                label = f"by-query {query} p.{page} p95"
                usable = [
                    (params, count)
                    for params, count in zip(variants, counts, strict=True)
                    if count >= PAGE_SIZE * page
                ]
                if not usable:
                    self.say(f"[dim]SKIP  {label}: no query has {page} full pages[/]")
                    self.result["by_query"][f"{query}:page{page}"] = {"skipped": True}
                    continue
                try:
                    self.run_queries(key, label, usable, page, samples)
                except ServerDiedError:
                    raise
                except (BenchError, httpx.HTTPError, ValueError) as exc:
                    self.fail_measure(label, exc)

    def run_queries(
        self,
        key: str,
        label: str,
        usable: list[tuple[list[tuple[str, str]], int]],
        page: int,
        samples: int,
    ) -> None:
        for index in range(min(5, len(usable)) if page == 1 else 1):  # warm-up
            self.query_page(usable[index][0], page)
        timings: list[float] = []
        wrong: list[str] = []
        deadline = time.perf_counter() + self.args.query_deadline
        for index in range(samples):
            params, count = usable[index % len(usable)]
            elapsed, body = self.query_page(params, page)
            timings.append(elapsed)
            items = body.get("items")
            if not isinstance(items, list) or not items or len(items) > PAGE_SIZE:
                wrong.append(f"{params}: {len(items or [])} items on page {page}")
            elif page == 1 and body.get("totalItems") != count:
                wrong.append(f"{params}: totalItems {body.get('totalItems')}, expected {count}")
            if time.perf_counter() > deadline:
                self.warn(f"{label}: deadline reached after {len(timings)} requests")
                break
            if index % 50 == 0:
                self.alive()
        p50, p95 = percentile(timings, 50) * 1000, percentile(timings, 95) * 1000
        self.result["by_query"][key.split(":", 1)[1]] = {
            "requests": len(timings),
            "p50_ms": round(p50, 2),
            "p95_ms": round(p95, 2),
            "max_ms": round(max(timings) * 1000, 2),
            "wrong_answers": len(wrong),
        }
        self.check(
            "by_query:" + key.split(":", 1)[1],
            round(p95, 2),
            f"p50 {p50:.1f} ms, p95 {p95:.1f} ms",
            label,
        )
        if wrong:
            self.warn(f"{label}: {len(wrong)} wrong answers, e.g. {wrong[0]}")

    # -- (e) facets, (f) by-refs --

    def facets(self) -> None:
        params = [
            ("facet", "spec.type"),
            ("facet", "metadata.tags"),
            ("facet", "spec.lifecycle"),
            ("facet", "relations.ownedBy"),
            ("filter", "kind=component"),
        ]

        def send() -> httpx.Response:
            return self.http.get("/api/catalog/entity-facets", params=params)

        for _ in range(3):
            self.timed(send)
        timings: list[float] = []
        deadline = time.perf_counter() + self.args.query_deadline
        response = send()
        for _ in range(self.args.samples):
            elapsed, response = self.timed(send)
            timings.append(elapsed)
            if time.perf_counter() > deadline:
                self.warn(f"entity-facets: deadline reached after {len(timings)} requests")
                break
        body = response.json()
        facets = body.get("facets", {})
        missing = {"spec.type", "metadata.tags", "spec.lifecycle", "relations.ownedBy"} - set(
            facets
        )
        if missing:
            self.warn(f"entity-facets: no facets for {sorted(missing)}")
        p50, p95 = percentile(timings, 50) * 1000, percentile(timings, 95) * 1000
        self.result["facets"] = {
            "requests": len(timings),
            "p50_ms": round(p50, 2),
            "p95_ms": round(p95, 2),
        }
        self.check("facets", round(p95, 2), f"p50 {p50:.1f} ms, p95 {p95:.1f} ms")

    def by_refs(self) -> None:
        refs = self.manifest["refs"]

        def send() -> tuple[float, list[str], httpx.Response]:
            chosen = self.rng.sample(refs, 100)
            elapsed, response = self.timed(
                lambda: self.http.post("/api/catalog/entities/by-refs", json={"entityRefs": chosen})
            )
            return elapsed, chosen, response

        for _ in range(3):
            send()
        timings: list[float] = []
        wrong = 0
        deadline = time.perf_counter() + self.args.query_deadline
        for _ in range(self.args.samples):
            elapsed, chosen, response = send()
            timings.append(elapsed)
            items = response.json().get("items", [])
            if len(items) != len(chosen) or any(item is None for item in items):
                wrong += 1
            if time.perf_counter() > deadline:
                self.warn(f"by-refs: deadline reached after {len(timings)} requests")
                break
        p50, p95 = percentile(timings, 50) * 1000, percentile(timings, 95) * 1000
        self.result["by_refs"] = {
            "requests": len(timings),
            "p50_ms": round(p50, 2),
            "p95_ms": round(p95, 2),
            "wrong_answers": wrong,
        }
        self.check("by_refs", round(p95, 2), f"p50 {p50:.1f} ms, p95 {p95:.1f} ms")
        if wrong:
            self.warn(f"by-refs: {wrong} answers with missing or null items")

    # -- (g) memory --

    def memory(self) -> None:
        assert self.server is not None
        rss = peak_rss(self.server.pid)
        self.result["rss"] = rss
        children = f" (+{rss['children']} children)" if rss["children"] else ""
        self.check("rss", rss["total_mib"], f"{rss['total_mib']:,.0f} MiB{children}")

    # -- driver --

    def fail_measure(self, label: str, exc: BaseException) -> None:
        message = f"{label}: {exc}"
        self.result.setdefault("errors", []).append(message)
        self.say(f"[bold red]FAILED[/] {message}")

    def run(self, work_dir: Path) -> dict[str, Any]:
        started = time.perf_counter()
        try:
            command, env = self.prepare(work_dir)
            port = free_port()
            env["GREENROOM_PORT"] = str(port)
            self.server = Server(command, env, work_dir / "logs" / f"{self.name}-serve.log", port)
            self.result["server_log"] = str(self.server.log_path)
            with httpx.Client(
                base_url=f"http://127.0.0.1:{port}",
                timeout=self.args.request_timeout,
                trust_env=False,
                headers={"Authorization": f"Bearer {self.token}"},
            ) as client:
                self.client = client
                self.server.start()
                self.say(f"started greenroom serve (pid {self.server.pid}, port {port})")
                self.first_ingestion()
                for label, measure in (
                    ("unchanged re-ingestion", self.unchanged_reingestion),
                    ("edit to served", self.edit_to_served),
                    ("by-query", self.by_query),
                    ("entity-facets", self.facets),
                    ("by-refs", self.by_refs),
                ):
                    try:
                        measure()
                    except ServerDiedError:
                        raise
                    except (
                        BenchError,
                        httpx.HTTPError,
                        ValueError,
                        OSError,
                        subprocess.SubprocessError,
                    ) as exc:
                        self.fail_measure(label, exc)
                self.memory()
                with contextlib.suppress(BenchError, httpx.HTTPError, ValueError):
                    self.result["final_status"] = self.status()
            self.result["ok"] = not self.result.get("errors")
        except (BenchError, httpx.HTTPError, OSError) as exc:
            self.result["ok"] = False
            self.result.setdefault("errors", []).append(str(exc))
            self.say(f"[bold red]FAILED[/] {exc}")
            if self.server is not None and not isinstance(exc, ServerDiedError):
                tail = self.server.log_tail()
                if tail:
                    self.console.print(tail, markup=False, highlight=False)
        finally:
            if self.server is not None:
                self.server.stop()
            self.result["seconds"] = round(time.perf_counter() - started, 1)
        return self.result


def _timestamp(value: Any) -> float | None:
    """Epoch seconds from a number or an ISO-8601 string with a time zone; else None."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    if isinstance(value, str):
        try:
            parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return None
        return parsed.timestamp() if parsed.tzinfo is not None else None
    return None


def replace_description(path: Path, name: str, description: str) -> None:
    """Set `metadata.description` of Component `name` in a generated catalog file."""
    documents = path.read_text(encoding="utf-8").split("---\n")
    for index, document in enumerate(documents):
        if "\nkind: Component\n" in f"\n{document}" and f"\n  name: {name}\n" in document:
            lines = document.split("\n")
            for number, line in enumerate(lines):
                if line.startswith("  description: "):
                    lines[number] = f"  description: {description}"
                    break
            else:
                raise BenchError(f"{path}: component {name} has no description line")
            documents[index] = "\n".join(lines)
            path.write_text("---\n".join(documents), encoding="utf-8")
            return
    raise BenchError(f"{path}: no component named {name}")


# --- driver --------------------------------------------------------------------------------


def organisation(
    args: argparse.Namespace, console: Console
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Generate the synthetic organisation, or reuse the one in the work dir."""
    root = args.work_dir / "org"
    manifest = None if args.regenerate else load_manifest(root)
    if (
        manifest
        and manifest.get("n") == args.entities
        and manifest.get("seed") == args.seed
        and manifest.get("generator_version") == GENERATOR_VERSION
        and Path(manifest["sample_component"]["path"]).is_file()
    ):
        console.print(f"reusing the organisation in {root} ({manifest['repos']:,} repositories)")
        stats = {k: v for k, v in manifest.items() if k != "refs"}
        stats["reused"] = True
        return stats, manifest
    console.print(f"generating {args.entities:,} entities in {root} ...")
    stats = generate(root, args.entities, args.seed)
    manifest = load_manifest(root)
    if manifest is None:
        raise SystemExit(f"{root}/manifest.json was not written")
    console.print(
        f"generated {stats['entities']:,} entities in {stats['repos']:,} repositories "
        f"in {stats['seconds']['total']:.1f} s ({stats['bytes'] / 1e6:.0f} MB of YAML)"
    )
    return stats, manifest


def machine() -> dict[str, Any]:
    info: dict[str, Any] = {
        "platform": platform.platform(),
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
    }
    with contextlib.suppress(OSError, ValueError, IndexError):
        for line in Path("/proc/meminfo").read_text(encoding="ascii").splitlines():
            if line.startswith("MemTotal:"):
                info["memory_gib"] = round(int(line.split()[1]) / 1024**2, 1)
    with contextlib.suppress(OSError, subprocess.CalledProcessError):
        info["git_commit"] = subprocess.run(
            ["git", "-C", str(REPO_ROOT), "rev-parse", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    return info


def summary(results: dict[str, Any], console: Console) -> None:
    databases = list(results["databases"])
    table = Table(title=f"greenroom catalog benchmark, {results['entities']:,} entities")
    table.add_column("measure")
    table.add_column("target")
    for name in databases:
        table.add_column(name, justify="right")
    keys: list[str] = []
    for name in databases:
        for key in results["databases"][name].get("checks", {}):
            if key not in keys:
                keys.append(key)
    status_row = []
    for name in databases:
        result = results["databases"][name]
        errors = len(result.get("errors", []))
        status_row.append("[green]complete[/]" if result.get("ok") else f"[red]{errors} errors[/]")
    table.add_row("run", "", *status_row)
    for key in keys:
        row: list[str] = []
        label = target = ""
        for name in databases:
            check = results["databases"][name].get("checks", {}).get(key)
            if check is None:
                row.append("[dim]-[/]")
                continue
            label, target = check["label"], check["target"]
            colour = "green" if check["status"] == "PASS" else "red"
            row.append(f"{_fmt(check['value'])} [{colour}]{check['status']}[/]")
        table.add_row(label, target, *row)
    console.print(table)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Benchmark greenroom's catalog: ingestion, freshness, queries and memory, "
        "against SQLite and PostgreSQL, on a synthetic organisation in git repositories.",
    )
    add = parser.add_argument
    add("--entities", type=int, help="entities to generate (default: 100000; 5000 with --quick)")
    add("--quick", action="store_true", help="smoke run: 5,000 entities")
    add("--databases", default="sqlite,postgres", help="comma-separated (default: %(default)s)")
    add("--postgres-url", default=DEFAULT_POSTGRES_URL, help="(default: %(default)s)")
    add("--out", type=Path, help="results JSON (default: benchmarks/results/catalog.json)")
    add(
        "--work-dir", type=Path, help="generated repos, databases, logs (default: benchmarks/.work)"
    )
    add("--seed", type=int, default=7, help="organisation and sampling seed (default: %(default)s)")
    add("--regenerate", action="store_true", help="regenerate the organisation even if present")
    add("--samples", type=int, default=200, help="timed requests per query (default: %(default)s)")
    add("--edits", type=int, default=3, help="edit-to-served repetitions (default: %(default)s)")
    add("--ingest-timeout", type=float, default=1800, help="seconds (default: %(default)s)")
    add("--upgrade-timeout", type=float, default=600, help="seconds (default: %(default)s)")
    add("--edit-timeout", type=float, default=60, help="seconds per edit (default: %(default)s)")
    add(
        "--query-deadline",
        type=float,
        default=600,
        help="seconds per query series (default: %(default)s)",
    )
    add(
        "--request-timeout",
        type=float,
        default=60,
        help="seconds per request (default: %(default)s)",
    )
    add("--greenroom", help="command running the greenroom CLI (default: the venv's greenroom)")
    add("--strict", action="store_true", help="exit 1 when any figure is SHORT")
    args = parser.parse_args(argv)
    if args.entities is None:
        args.entities = 5000 if args.quick else 100_000
    args.databases = [name.strip() for name in args.databases.split(",") if name.strip()]
    unknown = set(args.databases) - {"sqlite", "postgres"}
    if unknown or not args.databases:
        parser.error(f"unknown databases: {', '.join(sorted(unknown))}")
    args.work_dir = (args.work_dir or REPO_ROOT / "benchmarks" / ".work").resolve()
    args.out = (args.out or REPO_ROOT / "benchmarks" / "results" / "catalog.json").resolve()
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    console = Console(width=None if sys.stdout.isatty() else 140)
    args.work_dir.mkdir(parents=True, exist_ok=True)
    stats, manifest = organisation(args, console)
    results: dict[str, Any] = {
        "benchmark": "catalog",
        "started": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "entities": stats["entities"],
        "machine": machine(),
        "organisation": {k: v for k, v in stats.items() if k != "expectations"},
        "targets": {key: target.describe() for key, target in TARGETS.items()},
        "databases": {},
    }
    return measure_each_database(
        args,
        results,
        console,
        lambda name: DatabaseRun(name, args, stats, manifest, console),
        lambda run: run.run(args.work_dir),
        summary,
    )


def measure_each_database(
    args: argparse.Namespace,
    results: dict[str, Any],
    console: Console,
    start: Callable[[str], R],
    measure: Callable[[R], dict[str, Any]],
    print_summary: Callable[[dict[str, Any], Console], None],
) -> int:
    """Measure every database in turn, saving the results after each (and on Ctrl-C);
    the exit status says whether any measurement failed (2) or, with --strict, fell short."""
    args.out.parent.mkdir(parents=True, exist_ok=True)
    for name in args.databases:
        console.rule(f"{name}: {results['entities']:,} entities")
        run = start(name)
        try:
            results["databases"][name] = measure(run)
        except KeyboardInterrupt:
            partial = getattr(run, "result", {})
            results["databases"][name] = {**partial, "ok": False, "errors": ["interrupted"]}
            args.out.write_text(json.dumps(results, indent=2), encoding="utf-8")
            raise
        args.out.write_text(json.dumps(results, indent=2), encoding="utf-8")
    results["finished"] = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    args.out.write_text(json.dumps(results, indent=2), encoding="utf-8")
    print_summary(results, console)
    console.print(f"results written to {args.out}")
    failed = [name for name, r in results["databases"].items() if not r.get("ok")]
    short = [
        f"{name}:{key}"
        for name, r in results["databases"].items()
        for key, check in r.get("checks", {}).items()
        if check["status"] != "PASS"
    ]
    if failed:
        console.print(f"[bold red]measurements failed on: {', '.join(failed)}[/]")
        return 2
    return 1 if args.strict and short else 0


if __name__ == "__main__":
    sys.exit(main())
