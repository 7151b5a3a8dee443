"""The example plugin, installed as a real package, is loaded and feeds the catalog."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO_ROOT

PLUGIN = REPO_ROOT / "examples" / "plugins" / "greenroom-team-directory"
GREENROOM = Path(sys.executable).with_name("greenroom")

EXPORT = {
    "teams": [
        {"name": "payments", "displayName": "Payments"},
        {
            "name": "payments-core",
            "displayName": "Payments Core",
            "parent": "payments",
            "members": [
                {"username": "ada", "name": "Ada Lovelace", "email": "ada@example.com"},
                {"username": "alan", "name": "Alan Turing", "email": "alan@example.com"},
            ],
        },
        {"name": "Bad Name!", "members": [{"username": "ada"}]},
    ]
}


def run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(GREENROOM), *args], env=env, capture_output=True, text=True, timeout=120, check=False
    )


def test_installed_plugin_is_loaded_and_its_entities_are_ingested(tmp_path: Path) -> None:
    site = tmp_path / "site"
    # Build from a copy: setuptools writes build/ and *.egg-info beside the sources.
    source = shutil.copytree(PLUGIN, tmp_path / "plugin")
    install = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "--target",
            str(site),
            str(source),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert install.returncode == 0, install.stderr

    export = tmp_path / "teams.json"
    export.write_text(json.dumps(EXPORT), encoding="utf-8")
    config = tmp_path / "greenroom.yaml"
    config.write_text(f"plugins:\n  team_directory:\n    file: {export}\n", encoding="utf-8")
    env = {
        **os.environ,
        "PYTHONPATH": str(site),
        "GREENROOM_CONFIG_FILE": str(config),
        "GREENROOM_DATA_DIR": str(tmp_path / "data"),
        "GREENROOM_CATALOG__PROCESSING_WORKERS": "0",
    }
    env.pop("GREENROOM_DATABASE_URL", None)

    listed = run(["plugins"], env)
    assert "team_directory" in listed.stdout.split()

    checked = run(["team-directory", "check", str(export)], env)
    assert checked.stdout.strip() == "3 groups, 2 users"

    refreshed = run(["catalog", "refresh"], env)
    assert refreshed.returncode == 0, refreshed.stderr

    groups = run(["catalog", "ls", "--kind", "group", "--json"], env)
    names = sorted(json.loads(line)["metadata"]["name"] for line in groups.stdout.splitlines())
    assert names == ["payments", "payments-core"]
    users = run(["catalog", "ls", "--kind", "user", "--json"], env)
    ada = next(json.loads(line) for line in users.stdout.splitlines() if '"ada"' in line)
    assert {"type": "memberOf", "targetRef": "group:default/payments-core"} in ada["relations"]

    locations = run(["catalog", "ls", "--kind", "location", "--json"], env)
    messages = [
        item["message"]
        for line in locations.stdout.splitlines()
        for item in json.loads(line).get("status", {}).get("items", [])
    ]
    assert any("Bad Name!" in message for message in messages), messages
