"""Backstage's own `@backstage/catalog-client` (npm), unchanged, against a running greenroom.

The test writes a small catalog into a temporary folder, starts `greenroom serve` on a free
port, registers one extra location through the API, then runs
`tests/compat/catalog-client/drive.mjs` under Node. That script calls the client's methods and
prints one JSON object; every test below asserts on one call's result, as a user of the client
would see it.

Node packages: `tests/compat/catalog-client/package.json` pins the client and
`package-lock.json` pins everything under it. When `node_modules/` there is missing (it is
git-ignored) or holds another client version, the test runs `npm ci --no-audit --no-fund` in
that folder first, so `make test` needs Node >= 20 and npm with access to the npm registry.
Without npm or node the test fails and says so; it never skips.

"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

pytestmark = pytest.mark.compat

CLIENT_DIR = Path(__file__).resolve().parent / "catalog-client"
CLIENT_PACKAGE = "@backstage/catalog-client"
STARTUP_DEADLINE_SECONDS = 60.0
POLL_SECONDS = 0.1

# --- the catalog ---------------------------------------------------------------------------

# (name, spec.type, owner, tags)
COMPONENTS = [
    ("billing-service", "service", "team-a", ["java", "billing"]),
    ("checkout-service", "service", "team-a", ["java"]),
    ("ledger-service", "service", "team-b", ["go"]),
    ("notify-service", "service", "team-b", ["go", "email"]),
    ("search-service", "service", "team-b", ["python"]),
    ("auth-service", "service", "team-a", ["java", "security"]),
    ("web-portal", "website", "team-a", ["react"]),
    ("docs-site", "website", "team-b", ["react", "docs"]),
    ("admin-console", "website", "team-a", []),
    ("shared-utils", "library", "team-b", ["python"]),
    ("http-client", "library", "team-a", ["java"]),
    ("ui-kit", "library", "team-b", ["react"]),
]
COMPONENT_NAMES = sorted(name for name, *_ in COMPONENTS)
SERVICE_NAMES = sorted(name for name, kind, *_ in COMPONENTS if kind == "service")
REGISTERED_REF = "resource:default/compat-db"
CLIENT_USER = "user:default/compat-client"
"""Whom the client acts as: an admin (auth.admin_users) with a bearer token."""


def _entity(kind: str, name: str, spec: dict[str, Any], **metadata: Any) -> dict[str, Any]:
    return {
        "apiVersion": "backstage.io/v1alpha1",
        "kind": kind,
        "metadata": {"name": name, **metadata},
        "spec": spec,
    }


def _write(path: Path, documents: list[dict[str, Any]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump_all(documents, sort_keys=False), encoding="utf-8")
    return path


def generated_location_ref(location_type: str, target: str) -> str:
    """Backstage's ref for the Location entity of `type:target` (sha1 of the location ref)."""
    digest = hashlib.sha1(f"{location_type}:{target}".encode(), usedforsecurity=False)
    return f"location:default/generated-{digest.hexdigest()}"


class Catalog:
    """The files of the test catalog, under one root folder."""

    def __init__(self, root: Path) -> None:
        self.root = root
        folder = root / "catalog"
        self.components_file = _write(
            folder / "components.yaml",
            [
                _entity(
                    "Component",
                    name,
                    {
                        "type": kind,
                        "lifecycle": "production",
                        "owner": owner,
                        **(
                            {"system": "payments", "providesApis": ["payments-api"]}
                            if name == "billing-service"
                            else {}
                        ),
                    },
                    description=f"The {name.replace('-', ' ')}",
                    tags=tags,
                )
                for name, kind, owner, tags in COMPONENTS
            ],
        )
        _write(
            folder / "org.yaml",
            [
                _entity("Group", "platform", {"type": "department", "children": []}),
                _entity("Group", "team-a", {"type": "team", "parent": "platform", "children": []}),
                _entity("Group", "team-b", {"type": "team", "parent": "platform", "children": []}),
                _entity("User", "alice", {"memberOf": ["team-a"]}),
                _entity("User", "bob", {"memberOf": ["team-b"]}),
                _entity("User", "carol", {"memberOf": ["team-a", "team-b"]}),
            ],
        )
        _write(
            folder / "systems.yaml",
            [
                _entity("System", "payments", {"owner": "team-a"}),
                _entity(
                    "API",
                    "payments-api",
                    {
                        "type": "openapi",
                        "lifecycle": "production",
                        "owner": "team-a",
                        "system": "payments",
                        "definition": "openapi: 3.0.0\ninfo: {title: Payments, version: '1'}\n",
                    },
                ),
            ],
        )
        self.root_file = _write(
            folder / "catalog-info.yaml",
            [
                _entity(
                    "Location",
                    "compat-root",
                    {"targets": ["./org.yaml", "./systems.yaml", "./components.yaml"]},
                )
            ],
        )
        # Registered through the API before the client runs (getLocations needs one).
        self.registered_file = _write(
            root / "registered" / "catalog-info.yaml",
            [_entity("Resource", "compat-db", {"type": "database", "owner": "team-b"})],
        )
        # Only ever registered with dryRun: true.
        self.dry_run_file = _write(
            root / "extra" / "catalog-info.yaml",
            [
                _entity(
                    "Component",
                    "extra-widget",
                    {"type": "service", "lifecycle": "experimental", "owner": "team-a"},
                )
            ],
        )
        self.config_file = root / "greenroom.yaml"
        self.config_file.write_text(
            yaml.safe_dump(
                {
                    "catalog": {
                        "locations": [{"type": "file", "target": str(self.root_file)}],
                        "registration_file_roots": [str(root)],
                        "processing_interval_seconds": 0,
                    },
                    "auth": {"admin_users": [CLIENT_USER]},
                }
            ),
            encoding="utf-8",
        )


# --- Node side -----------------------------------------------------------------------------


def _pinned_client_version() -> str:
    lock = json.loads((CLIENT_DIR / "package-lock.json").read_text(encoding="utf-8"))
    version: str = lock["packages"][f"node_modules/{CLIENT_PACKAGE}"]["version"]
    return version


def _installed_client_version() -> str | None:
    manifest = CLIENT_DIR / "node_modules" / CLIENT_PACKAGE / "package.json"
    if not manifest.is_file():
        return None
    version: str = json.loads(manifest.read_text(encoding="utf-8"))["version"]
    return version


def _require(tool: str) -> str:
    path = shutil.which(tool)
    if path is None:
        pytest.fail(
            f"`{tool}` is not on PATH: the Backstage compatibility test needs Node >= 20 and npm "
            f"(it runs `npm ci` in {CLIENT_DIR} and then `node drive.mjs`). Install Node.js, "
            "or deselect these tests with `-m 'not compat'`.",
            pytrace=False,
        )
    return path


@pytest.fixture(scope="session")
def node() -> str:
    """The `node` executable, with `node_modules` installed from package-lock.json."""
    node = _require("node")
    version = subprocess.run(
        [node, "--version"], capture_output=True, text=True, check=True
    ).stdout.strip()
    if int(version.lstrip("v").split(".")[0]) < 20:
        pytest.fail(f"Node {version} is too old: the compatibility test needs Node >= 20")
    pinned = _pinned_client_version()
    if _installed_client_version() != pinned:
        npm = _require("npm")
        # xdist workers share the folder: one installs, the others wait and then see it.
        lock_path = Path(tempfile.gettempdir()) / "greenroom-compat-npm-ci.lock"
        with lock_path.open("w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if _installed_client_version() != pinned:
                installed = subprocess.run(
                    [npm, "ci", "--no-audit", "--no-fund"],
                    cwd=CLIENT_DIR,
                    capture_output=True,
                    text=True,
                    timeout=600,
                )
                if installed.returncode != 0:
                    pytest.fail(
                        f"`npm ci --no-audit --no-fund` failed in {CLIENT_DIR} "
                        f"(exit {installed.returncode}); is the npm registry reachable?\n"
                        f"{installed.stdout}\n{installed.stderr}",
                        pytrace=False,
                    )
        assert _installed_client_version() == pinned
    return node


# --- the server ----------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _greenroom_command() -> list[str]:
    script = Path(sys.executable).with_name("greenroom")
    if script.is_file():
        return [str(script), "serve"]
    return [sys.executable, "-m", "greenroom", "serve"]


class Server:
    """A `greenroom serve` subprocess and what it has logged."""

    def __init__(
        self, process: subprocess.Popen[bytes], base_url: str, log: Path, token: str
    ) -> None:
        self.process = process
        self.base_url = base_url
        self.log = log
        self.token = token
        self.http = httpx.Client(
            base_url=base_url, timeout=10.0, headers={"Authorization": f"Bearer {token}"}
        )
        self.registered_location: dict[str, Any] = {}
        """The location registered through the API before the client runs."""

    def log_tail(self) -> str:
        text = self.log.read_text(encoding="utf-8", errors="replace")
        return "\n".join(text.splitlines()[-40:])

    def wait_until(self, what: str, done: Callable[[], object]) -> None:
        """Poll every 0.1 s until `done()` is true; fail after 60 s or if the server exits."""
        deadline = time.monotonic() + STARTUP_DEADLINE_SECONDS
        last: object = None
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(
                    f"greenroom serve exited with {self.process.returncode} while waiting for "
                    f"{what}:\n{self.log_tail()}",
                    pytrace=False,
                )
            try:
                last = done()
            except httpx.TransportError as exc:
                last = exc
            else:
                if last is True:
                    return
            time.sleep(POLL_SECONDS)
        pytest.fail(
            f"greenroom did not reach {what} within {STARTUP_DEADLINE_SECONDS:.0f} s "
            f"(last: {last!r}):\n{self.log_tail()}",
            pytrace=False,
        )

    def catalog_settled(self) -> bool | dict[str, Any]:
        status: dict[str, Any] = self.http.get("/api/catalog/status").raise_for_status().json()
        return True if status["entities"] > 0 and status["pending"] == 0 else status

    def stop(self) -> None:
        self.http.close()
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=15)


@pytest.fixture(scope="module")
def catalog(tmp_path_factory: pytest.TempPathFactory) -> Catalog:
    return Catalog(tmp_path_factory.mktemp("compat-catalog"))


@pytest.fixture(scope="module")
def server(catalog: Catalog) -> Iterator[Server]:
    """`greenroom serve` on a free port, its catalog processed, one location registered.

    The server is stopped at the end of the module, and also when its setup fails.
    """
    port = _free_port()
    env = {key: value for key, value in os.environ.items() if not key.startswith("GREENROOM_")}
    env.update(
        GREENROOM_CONFIG_FILE=str(catalog.config_file),
        GREENROOM_DATA_DIR=str(catalog.root / "data"),
        GREENROOM_PORT=str(port),
        GREENROOM_HOST="127.0.0.1",
    )
    # The operator's way in: a token made on the server's machine, for an admin user.
    created_token = subprocess.run(
        [*_greenroom_command()[:-1], "token", "create", "--user", CLIENT_USER, "--expires", "1d"],
        cwd=catalog.root,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    token = created_token.stdout.strip().splitlines()[-1]
    log = catalog.root / "server.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            _greenroom_command(),
            cwd=catalog.root,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    running = Server(process, f"http://127.0.0.1:{port}", log, token)
    try:
        running.wait_until(
            "a processed catalog (entities > 0, pending == 0)", running.catalog_settled
        )
        created = running.http.post(
            "/api/catalog/locations",
            json={"type": "file", "target": str(catalog.registered_file)},
        )
        assert created.status_code == 201, created.text
        running.registered_location = created.json()["location"]

        def registered_entity_present() -> bool | int | dict[str, Any]:
            found = running.http.get("/api/catalog/entities/by-name/resource/default/compat-db")
            return running.catalog_settled() if found.status_code == 200 else found.status_code

        running.wait_until("the registered location's entity", registered_entity_present)
        yield running
    finally:
        running.stop()


@pytest.fixture(scope="module")
def results(node: str, server: Server, catalog: Catalog) -> dict[str, Any]:
    """What drive.mjs printed: one entry per client call."""
    ran = subprocess.run(
        [
            node,
            "drive.mjs",
            server.base_url,
            str(catalog.dry_run_file),
            REGISTERED_REF,
            server.token,
        ],
        cwd=CLIENT_DIR,
        capture_output=True,
        text=True,
        timeout=120,
    )
    if ran.returncode != 0:
        pytest.fail(
            f"node drive.mjs exited with {ran.returncode}:\n{ran.stderr}\n{ran.stdout}",
            pytrace=False,
        )
    output: dict[str, Any] = json.loads(ran.stdout.strip().splitlines()[-1])
    return output


def _explain(entry: dict[str, Any]) -> str:
    lines = []
    for sent in entry.get("requests", []):
        line = f"  {sent['method']} {sent['url']} -> {sent.get('status')}"
        if "body" in sent:
            line += f"\n    body: {json.dumps(sent['body'])}"
        if "responseText" in sent:
            line += f"\n    answer: {sent['responseText']}"
        lines.append(line)
    return "\n".join(lines) or "  (no request sent)"


def value(results: dict[str, Any], call: str) -> Any:
    """The value the client returned for `call`; fails with the requests when it threw."""
    entry = results[call]
    if "error" in entry:
        pytest.fail(
            f"{call}: the client threw {entry.get('errorName')}: {entry['error']}\n"
            f"{_explain(entry)}",
            pytrace=False,
        )
    if entry.get("undefined"):
        return None
    return entry["value"]


def returned_undefined(results: dict[str, Any], call: str) -> bool:
    entry = results[call]
    if "error" in entry:
        value(results, call)  # fails with the details
    return entry.get("undefined") is True


def sent(results: dict[str, Any], call: str) -> list[dict[str, Any]]:
    requests: list[dict[str, Any]] = results[call]["requests"]
    return requests


def relations(entity: dict[str, Any]) -> set[tuple[str, str]]:
    return {(item["type"], item["targetRef"]) for item in entity.get("relations", [])}


# --- getEntities (GET /entities) -----------------------------------------------------------


def test_get_entities_filters_by_kind(results: dict[str, Any], catalog: Catalog) -> None:
    got = value(results, "getEntities")
    assert got["count"] == 12
    # Backstage's default order for GET /entities is the entity ref.
    assert got["names"] == COMPONENT_NAMES
    first = got["sample"]
    assert first["kind"] == "Component"
    assert first["metadata"]["name"] == "admin-console"
    assert first["metadata"]["namespace"] == "default"
    assert first["metadata"]["uid"]
    assert first["metadata"]["annotations"]["backstage.io/managed-by-location"] == (
        f"file:{catalog.components_file}"
    )
    assert first["spec"] == {"type": "website", "lifecycle": "production", "owner": "team-a"}
    assert relations(first) == {("ownedBy", "group:default/team-a")}
    assert sent(results, "getEntities")[0]["query"] == [["filter", "kind=component"]]


def test_get_entities_keeps_only_the_requested_fields(results: dict[str, Any]) -> None:
    items = value(results, "getEntitiesFields")["items"]
    types = {name: kind for name, kind, *_ in COMPONENTS}
    assert items == [
        {"kind": "Component", "metadata": {"name": name}, "spec": {"type": types[name]}}
        for name in COMPONENT_NAMES
    ]
    assert ["fields", "kind,metadata.name,spec.type"] in sent(results, "getEntitiesFields")[0][
        "query"
    ]


def test_get_entities_orders_descending(results: dict[str, Any]) -> None:
    assert ["order", "desc:metadata.name"] in sent(results, "getEntitiesOrderDesc")[0]["query"]
    assert value(results, "getEntitiesOrderDesc")["names"] == COMPONENT_NAMES[::-1]


def test_get_entities_orders_by_two_keys(results: dict[str, Any]) -> None:
    query = sent(results, "getEntitiesOrderTwoKeys")[0]["query"]
    assert [pair for pair in query if pair[0] == "order"] == [
        ["order", "asc:spec.type"],
        ["order", "desc:metadata.name"],
    ]
    by_type = {
        kind: sorted((name for name, k, *_ in COMPONENTS if k == kind), reverse=True)
        for kind in ("library", "service", "website")
    }
    expected = by_type["library"] + by_type["service"] + by_type["website"]
    assert value(results, "getEntitiesOrderTwoKeys")["names"] == expected


# --- queryEntities (GET /entities/by-query) ------------------------------------------------


def test_query_entities_cursor_walks_every_page_once(results: dict[str, Any]) -> None:
    got = value(results, "queryEntitiesPaged")
    pages = got["pages"]
    assert [len(page["names"]) for page in pages] == [5, 5, 2]
    assert [page["totalItems"] for page in pages] == [12, 12, 12]
    assert [page["hasNext"] for page in pages] == [True, True, False]
    assert [page["hasPrev"] for page in pages] == [False, True, True]
    assert got["total"] == 12 == pages[0]["totalItems"]
    assert got["distinct"] == 12, f"a name came back twice: {got['names']}"
    assert sorted(got["names"]) == COMPONENT_NAMES
    # Page 2's prevCursor brings back exactly page 1.
    assert got["backFromSecond"] == pages[0]["names"]

    requests = sent(results, "queryEntitiesPaged")
    assert requests[0]["path"] == "/api/catalog/entities/by-query"
    assert requests[0]["query"] == [["limit", "5"], ["filter", "kind=component"]]
    # Follow-up requests carry only the cursor and the limit, as the client sends them.
    assert all({key for key, _ in r["query"]} == {"cursor", "limit"} for r in requests[1:])


def test_query_entities_full_text_filter_and_order(results: dict[str, Any]) -> None:
    got = value(results, "queryEntitiesFullText")
    # Term "Service" matched case-insensitively against metadata.name only.
    assert got["names"] == SERVICE_NAMES[::-1]
    assert got["totalItems"] == 6
    assert "nextCursor" not in got["pageInfo"]
    query = sent(results, "queryEntitiesFullText")[0]["query"]
    assert ["fullTextFilterTerm", "Service"] in query
    assert ["fullTextFilterFields", "metadata.name"] in query
    assert ["orderField", "metadata.name,desc"] in query


def test_query_entities_or_filters_with_fields_and_order(results: dict[str, Any]) -> None:
    got = value(results, "queryEntitiesOrderFields")
    assert got["totalItems"] == 6
    assert got["items"] == [
        {"kind": "Group", "metadata": {"name": "team-b"}},
        {"kind": "Group", "metadata": {"name": "team-a"}},
        {"kind": "Group", "metadata": {"name": "platform"}},
        {"kind": "User", "metadata": {"name": "carol"}},
        {"kind": "User", "metadata": {"name": "bob"}},
        {"kind": "User", "metadata": {"name": "alice"}},
    ]


# --- getEntitiesByRefs, getEntityByRef -----------------------------------------------------


def test_get_entities_by_refs_is_aligned_with_undefined_for_misses(
    results: dict[str, Any],
) -> None:
    got = value(results, "getEntitiesByRefs")
    assert got["length"] == 3
    assert got["refs"] == ["component:default/web-portal", None, "api:default/payments-api"]
    assert got["undefinedAt"] == [1]
    request = sent(results, "getEntitiesByRefs")[0]
    assert (request["method"], request["path"]) == ("POST", "/api/catalog/entities/by-refs")
    assert request["body"]["entityRefs"][1] == "component:default/does-not-exist"


def test_get_entities_by_refs_with_fields(results: dict[str, Any]) -> None:
    got = value(results, "getEntitiesByRefsFields")
    assert got["items"] == [
        {"kind": "Group", "metadata": {"name": "team-a"}},
        None,
        {"kind": "User", "metadata": {"name": "alice"}},
    ]
    assert got["undefinedAt"] == [1]


def test_get_entity_by_ref_returns_the_entity_with_its_relations(
    results: dict[str, Any],
) -> None:
    entity = value(results, "getEntityByRefHit")
    assert entity["kind"] == "Component"
    assert entity["metadata"]["name"] == "billing-service"
    assert entity["metadata"]["tags"] == ["java", "billing"]
    assert entity["spec"]["system"] == "payments"
    assert relations(entity) >= {
        ("ownedBy", "group:default/team-a"),
        ("partOf", "system:default/payments"),
        ("providesApi", "api:default/payments-api"),
    }
    assert sent(results, "getEntityByRefHit")[0]["path"] == (
        "/api/catalog/entities/by-name/component/default/billing-service"
    )


def test_get_entity_by_compound_ref(results: dict[str, Any]) -> None:
    group = value(results, "getEntityByRefCompound")
    assert (group["kind"], group["metadata"]["name"]) == ("Group", "team-a")
    assert group["spec"]["type"] == "team"
    got = relations(group)
    assert ("childOf", "group:default/platform") in got
    members = {target for kind, target in got if kind == "hasMember"}
    assert members == {"user:default/alice", "user:default/carol"}


def test_get_entity_by_ref_miss_is_undefined(results: dict[str, Any]) -> None:
    assert returned_undefined(results, "getEntityByRefMiss")
    assert sent(results, "getEntityByRefMiss")[0]["status"] == 404


# --- getEntityFacets -----------------------------------------------------------------------


def _facet_counts(facets: dict[str, Any], facet: str) -> dict[str, int]:
    return {item["value"]: item["count"] for item in facets["facets"][facet]}


def test_get_entity_facets(results: dict[str, Any]) -> None:
    facets = value(results, "getEntityFacets")
    assert set(facets["facets"]) == {"spec.type"}
    assert _facet_counts(facets, "spec.type") == {
        "service": 6,
        "website": 3,
        "library": 3,
        "openapi": 1,
        "team": 2,
        "department": 1,
        "database": 1,
        # The Location entities generated for the configured and the registered location.
        "file": 2,
    }


def test_get_entity_facets_with_a_filter(results: dict[str, Any]) -> None:
    facets = value(results, "getEntityFacetsFiltered")
    assert _facet_counts(facets, "spec.type") == {"service": 6, "website": 3, "library": 3}
    assert _facet_counts(facets, "metadata.tags") == {
        "java": 4,
        "react": 3,
        "go": 2,
        "python": 2,
        "billing": 1,
        "docs": 1,
        "email": 1,
        "security": 1,
    }


# --- refreshEntity -------------------------------------------------------------------------


def test_refresh_entity(results: dict[str, Any]) -> None:
    assert returned_undefined(results, "refreshEntity")
    request = sent(results, "refreshEntity")[0]
    assert (request["method"], request["path"], request["status"]) == (
        "POST",
        "/api/catalog/refresh",
        200,
    )
    assert request["body"] == {"entityRef": "component:default/web-portal"}


# --- locations -----------------------------------------------------------------------------


def _location_core(location: dict[str, Any]) -> dict[str, Any]:
    return {key: location[key] for key in ("id", "type", "target")}


def test_get_locations_lists_the_registered_location(
    results: dict[str, Any], server: Server, catalog: Catalog
) -> None:
    items = value(results, "getLocations")["items"]
    # Locations from configuration are not registered ones: Backstage does not list them.
    assert [_location_core(item) for item in items] == [
        {
            "id": server.registered_location["id"],
            "type": "file",
            "target": str(catalog.registered_file),
        }
    ]


def test_locations_carry_their_entity_ref(results: dict[str, Any], catalog: Catalog) -> None:
    expected = generated_location_ref("file", str(catalog.registered_file))
    assert [item.get("entityRef") for item in value(results, "getLocations")["items"]] == [expected]
    assert value(results, "getLocationById").get("entityRef") == expected
    assert value(results, "getLocationByEntity").get("entityRef") == expected


def test_get_location_by_id(results: dict[str, Any], server: Server) -> None:
    location = value(results, "getLocationById")
    assert location == server.registered_location


def test_get_location_by_id_miss_is_undefined(results: dict[str, Any]) -> None:
    assert returned_undefined(results, "getLocationByIdMiss")
    assert sent(results, "getLocationByIdMiss")[0]["status"] == 404


def test_get_location_by_entity(results: dict[str, Any], server: Server) -> None:
    location = value(results, "getLocationByEntity")
    assert location == server.registered_location


def test_add_location_dry_run(results: dict[str, Any], catalog: Catalog) -> None:
    request = sent(results, "addLocationDryRun")[0]
    assert (request["method"], request["path"]) == ("POST", "/api/catalog/locations")
    assert request["query"] == [["dryRun", "true"]]
    assert request["body"] == {"type": "file", "target": str(catalog.dry_run_file)}
    got = value(results, "addLocationDryRun")
    assert got["exists"] is False
    assert (got["location"]["type"], got["location"]["target"]) == (
        "file",
        str(catalog.dry_run_file),
    )
    # What the "Register existing component" page lists: the Location entity and the component.
    assert got["entityRefs"] == sorted(
        [
            generated_location_ref("file", str(catalog.dry_run_file)),
            "component:default/extra-widget",
        ]
    )


def test_add_location_dry_run_registers_nothing(results: dict[str, Any], server: Server) -> None:
    items = value(results, "getLocationsAfterDryRun")["items"]
    assert items == [server.registered_location]
    assert returned_undefined(results, "getEntityByRefDryRunComponent")


# --- getEntityAncestors --------------------------------------------------------------------


def test_get_entity_ancestors(results: dict[str, Any], catalog: Catalog) -> None:
    got = value(results, "getEntityAncestors")
    generated = generated_location_ref("file", str(catalog.root_file))
    assert got["rootEntityRef"] == "component:default/web-portal"
    chain = {
        f"{item['entity']['kind']}:default/{item['entity']['metadata']['name']}".lower(): item[
            "parentEntityRefs"
        ]
        for item in got["items"]
    }
    assert chain == {
        "component:default/web-portal": ["location:default/compat-root"],
        "location:default/compat-root": [generated],
        generated: [],
    }
    assert got["items"][0]["entity"]["metadata"]["name"] == "web-portal"


# --- validateEntity ------------------------------------------------------------------------


def test_validate_entity_accepts_a_valid_entity(results: dict[str, Any]) -> None:
    assert value(results, "validateEntityValid") == {"valid": True}
    request = sent(results, "validateEntityValid")[0]
    assert (request["method"], request["path"], request["status"]) == (
        "POST",
        "/api/catalog/validate-entity",
        200,
    )
    assert request["body"]["location"] == "url:https://example.com/catalog-info.yaml"


def test_validate_entity_reports_an_invalid_name(results: dict[str, Any]) -> None:
    got = value(results, "validateEntityInvalid")
    assert got["valid"] is False
    assert len(got["errors"]) >= 1
    message = " ".join(error["message"] for error in got["errors"])
    assert "metadata.name" in message
    assert "Not A Valid Name!" in message
    assert all(error.get("name") for error in got["errors"])
    assert sent(results, "validateEntityInvalid")[0]["status"] == 400
