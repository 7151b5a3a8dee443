"""The `greenroom` CLI against a remote portal: a real server on a port, a real process,
a token from `GREENROOM_TOKEN` or the config file."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
import uvicorn
from fastapi import FastAPI

from greenroom.auth.tokens import TokenService
from tests.functional.auth.org import SETTINGS, write_permission_org
from tests.functional.conftest import Portal, PortalFactory, write

GREENROOM = Path(sys.executable).with_name("greenroom")
STARTUP_SECONDS = 10.0
SERVICES = 150
"""More than one page of `ls --url` (100 entities a request)."""
NOT_VALID = "401 Unauthorized: The token is not valid: unknown, expired or revoked."


@contextmanager
def serve(app: FastAPI) -> Iterator[str]:
    """Serve the app on a free 127.0.0.1 port until the block ends; its URL."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    # The portal's TestClient already ran the lifespan (migrations); this only serves it,
    # as `greenroom serve` does (the peer address is the client's).
    config = uvicorn.Config(app, log_level="warning", lifespan="off", proxy_headers=False)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + STARTUP_SECONDS
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            server.should_exit = True
            raise RuntimeError("greenroom did not start serving")
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


@dataclass
class Remote:
    portal: Portal
    url: str
    home: Path

    def token(self, who: str) -> str:
        return self.portal.token_for(f"user:default/{who}")

    def used(self, token: str) -> bool:
        """Whether the server ever accepted this token."""
        with self.portal.runtime.database.transaction() as session:
            row = TokenService(session).authenticate(token)
            assert row is not None
            return row.last_used_at is not None

    def env(self, token: str | None = None, **extra: str) -> dict[str, str]:
        """A user's environment: no GREENROOM_* settings, a home of its own."""
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith("GREENROOM_") and key != "XDG_CONFIG_HOME"
        }
        env["HOME"] = str(self.home)
        env["GREENROOM_DATA_DIR"] = str(self.home / "data")
        env["GREENROOM_CATALOG__PROCESSING_WORKERS"] = "0"
        if token is not None:
            env["GREENROOM_TOKEN"] = token
        return env | extra

    def local_env(self) -> dict[str, str]:
        """The server's own machine: its database, no token."""
        url = self.portal.runtime.database.engine.url.render_as_string(hide_password=False)
        return self.env(GREENROOM_DATABASE_URL=url)

    def config(self, text: str, mode: int = 0o600) -> Path:
        path = write(self.home / ".config" / "greenroom" / "cli.yaml", text)
        path.chmod(mode)
        return path


def greenroom(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(GREENROOM), *args], env=env, capture_output=True, text=True, timeout=120, check=False
    )


@pytest.fixture
def remote(make_portal: PortalFactory, tmp_path: Path) -> Iterator[Remote]:
    org = write_permission_org(tmp_path / "org")
    many = write(
        tmp_path / "many" / "catalog-info.yaml",
        "---\n".join(
            "apiVersion: backstage.io/v1alpha1\nkind: Component\n"
            f"metadata: {{name: svc-{n:03d}, description: service number {n}}}\n"
            "spec: {type: service, lifecycle: experimental, owner: team-b}\n"
            for n in range(SERVICES)
        ),
    )
    portal = make_portal(
        [{"type": "file", "target": str(org)}, {"type": "file", "target": str(many)}], **SETTINGS
    )
    portal.refresh_all()
    with serve(portal.client.app) as url:
        yield Remote(portal, url, tmp_path / "home")


def test_ls_over_the_api_prints_what_the_local_command_prints(remote: Remote) -> None:
    env = remote.env(remote.token("other"))
    for args in (
        ["--kind", "component", "--owner", "team-b", "--limit", "1000"],
        ["--kind", "component", "--limit", "120"],
        ["--kind", "user"],
        ["--text", "svc-14"],
    ):
        over_api = greenroom("catalog", "ls", "--url", remote.url, *args, env=env)
        local = greenroom("catalog", "ls", *args, env=remote.local_env())
        assert over_api.returncode == 0, over_api.stderr
        assert over_api.stdout == local.stdout, args
    rows = [line.split("\t") for line in over_api.stdout.splitlines()]
    assert rows[0] == [
        "component:default/svc-140",
        "service",
        "group:default/team-b",
        "experimental",
        "service number 140",
    ]
    assert all(row[0].startswith("component:default/svc-14") for row in rows)

    everything = greenroom(
        "catalog", "ls", "--url", remote.url, "--owner", "team-b", "--limit", "1000", env=env
    )
    assert len(everything.stdout.splitlines()) == SERVICES  # two pages, nothing lost or twice
    as_json = greenroom("catalog", "ls", "--url", remote.url, "--kind", "user", "--json", env=env)
    names = [json.loads(line)["metadata"]["name"] for line in as_json.stdout.splitlines()]
    assert names == ["boss", "lead", "other", "owner"]


def test_refresh_over_the_api_is_allowed_to_the_owner_only(remote: Remote) -> None:
    owner = remote.env(remote.token("owner"))
    done = greenroom("catalog", "refresh", "--url", remote.url, "--entity", "ledger", env=owner)
    assert done.returncode == 0, done.stderr
    assert "is refreshing component:default/ledger" in done.stdout

    other = remote.env(remote.token("other"))
    refused = greenroom("catalog", "refresh", "--url", remote.url, "--entity", "ledger", env=other)
    assert refused.returncode == 1
    assert refused.stderr.startswith("Error: 403 Forbidden: user:default/other may not refresh")
    assert "owned by group:default/team-a, and only its owners and admins may" in refused.stderr
    everything = greenroom("catalog", "refresh", "--url", remote.url, env=owner)
    assert everything.returncode == 1
    assert "403 Forbidden: Only admins may refresh the whole catalog." in everything.stderr
    missing = greenroom("catalog", "refresh", "--url", remote.url, "--entity", "nope", env=owner)
    assert "404 Not Found: No entity component:default/nope to refresh" in missing.stderr

    audit = remote.portal.client.get("/api/audit", params={"action": "catalog."}).json()
    by_actor = {(e["actor"], e["outcome"]) for e in audit["items"]}
    assert {("user:default/owner", "allowed"), ("user:default/other", "denied")} <= by_actor


def test_refresh_of_one_entity_on_the_servers_own_machine(remote: Remote) -> None:
    done = greenroom("catalog", "refresh", "--entity", "ledger", env=remote.local_env())
    assert done.returncode == 0, done.stderr
    assert "'sources': 1" in done.stdout  # only the ledger's own source was read
    missing = greenroom("catalog", "refresh", "--entity", "nope", env=remote.local_env())
    assert missing.returncode == 1
    assert "No entity component:default/nope to refresh" in missing.stderr


def test_whoami_with_the_token_from_the_environment(remote: Remote) -> None:
    me = greenroom("whoami", "--url", remote.url, env=remote.env(remote.token("lead")))
    assert me.returncode == 0, me.stderr
    lines = me.stdout.splitlines()
    assert lines[0] == "user:default/lead"
    assert "group:default/team-a" in lines[-1]  # the colony lead owns what its squads own
    as_json = greenroom(
        "whoami", "--url", f"{remote.url}/", "--json", env=remote.env(remote.token("boss"))
    )
    assert json.loads(as_json.stdout)["userEntityRef"] == "user:default/boss"


def test_the_config_file_gives_the_url_and_the_token(remote: Remote) -> None:
    remote.config(f"url: {remote.url}\ntoken: {remote.token('owner')}\n")
    me = greenroom("whoami", env=remote.env())
    assert me.returncode == 0, me.stderr
    assert me.stdout.splitlines()[0] == "user:default/owner"
    listed = greenroom("catalog", "ls", "--url", remote.url, "--kind", "group", env=remote.env())
    assert listed.returncode == 0, listed.stderr
    assert "group:default/team-a" in listed.stdout
    # The environment wins over the file.
    other = greenroom("whoami", env=remote.env(remote.token("other")))
    assert other.stdout.splitlines()[0] == "user:default/other"


def test_xdg_config_home_is_respected(remote: Remote, tmp_path: Path) -> None:
    path = write(tmp_path / "xdg" / "greenroom" / "cli.yaml", f"token: {remote.token('boss')}\n")
    path.chmod(0o600)
    env = remote.env(XDG_CONFIG_HOME=str(tmp_path / "xdg"))
    me = greenroom("whoami", "--url", remote.url, env=env)
    assert me.stdout.splitlines()[0] == "user:default/boss", me.stderr


def test_a_config_file_others_can_read_is_refused(remote: Remote) -> None:
    token = remote.token("owner")
    path = remote.config(f"url: {remote.url}\ntoken: {token}\n", mode=0o644)
    refused = greenroom("whoami", env=remote.env())
    assert refused.returncode == 1
    assert f"{path} holds an access token, but its permissions (-rw-r--r--)" in refused.stderr
    assert f"chmod 600 {path}" in refused.stderr
    assert token not in refused.stderr
    assert not remote.used(token)
    path.chmod(0o600)
    assert greenroom("whoami", env=remote.env()).returncode == 0
    assert remote.used(token)


def test_the_config_files_token_is_never_sent_to_another_portal(remote: Remote) -> None:
    token = remote.token("owner")
    remote.config(f"url: https://portal.example.com\ntoken: {token}\n")
    refused = greenroom("whoami", "--url", remote.url, env=remote.env())
    assert refused.returncode == 1
    assert "is for https://portal.example.com, not" in refused.stderr
    assert "set GREENROOM_TOKEN" in refused.stderr
    assert not remote.used(token)


def test_a_revoked_token_says_so_and_where_it_came_from(remote: Remote) -> None:
    token = remote.token("owner")
    env = remote.env(token)
    [mine] = remote.portal.browser.get(
        "/api/auth/tokens", headers={"Authorization": f"Bearer {token}"}
    ).json()
    revoked = remote.portal.browser.delete(
        f"/api/auth/tokens/{mine['id']}", headers={"Authorization": f"Bearer {token}"}
    )
    assert revoked.status_code == 204
    for args in (["whoami"], ["catalog", "ls"], ["catalog", "refresh", "--entity", "ledger"]):
        result = greenroom(*args, "--url", remote.url, env=env)
        assert result.returncode == 1
        assert f"Error: {NOT_VALID} (the token came from GREENROOM_TOKEN)" in result.stderr
        assert "Traceback" not in result.stderr
    with_option = greenroom("whoami", "--url", remote.url, "--token", token, env=remote.env())
    assert "(the token came from --token)" in with_option.stderr


def test_missing_token_bad_url_and_unreachable_portal_are_clear(remote: Remote) -> None:
    none = greenroom("whoami", "--url", remote.url, env=remote.env())
    assert none.returncode == 1
    assert f"No access token for {remote.url}: set GREENROOM_TOKEN" in none.stderr
    no_url = greenroom("whoami", env=remote.env(remote.token("owner")))
    assert no_url.returncode == 2
    assert "Name the portal with --url URL" in no_url.stderr
    not_a_url = greenroom("whoami", "--url", "portal.example.com", env=remote.env("grt_x"))
    assert "'portal.example.com' is not a portal address" in not_a_url.stderr

    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{unused.getsockname()[1]}"
    unreachable = greenroom("catalog", "ls", "--url", closed, env=remote.env("grt_x"))
    assert unreachable.returncode == 1
    assert f"Error: cannot reach {closed}" in unreachable.stderr
    assert "Traceback" not in unreachable.stderr
