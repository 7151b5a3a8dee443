"""The `greenroom` command line, run as a user runs it: a real process on real files."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.functional.catalog.org import write_org
from tests.functional.conftest import write

GREENROOM = Path(sys.executable).with_name("greenroom")

VALID = """\
apiVersion: backstage.io/v1alpha1
kind: Component
metadata: {name: payments, tags: [java]}
spec: {type: service, lifecycle: production, owner: team-a}
"""

INVALID = """\
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: payments
  tags: [Java]
spec:
  type: service
  owner: team-a
  dependsOn: [db]
"""


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    environment = {
        key: value for key, value in os.environ.items() if not key.startswith("GREENROOM_")
    }
    environment["GREENROOM_DATA_DIR"] = str(tmp_path / "data")
    environment["GREENROOM_CATALOG__PROCESSING_WORKERS"] = "0"
    return environment


def greenroom(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(GREENROOM), *args], env=env, capture_output=True, text=True, timeout=120, check=False
    )


def test_validate_passes_good_files_and_explains_bad_ones(
    tmp_path: Path, env: dict[str, str]
) -> None:
    good = write(tmp_path / "good" / "catalog-info.yaml", VALID)
    ok = greenroom("catalog", "validate", str(good), env=env)
    assert ok.returncode == 0
    assert "1 file(s) checked, 0 problem(s)" in ok.stderr

    bad = write(tmp_path / "bad" / "catalog-info.yaml", INVALID)
    failed = greenroom("catalog", "validate", str(tmp_path / "bad"), env=env)
    assert failed.returncode == 1
    lines = failed.stdout.splitlines()
    assert f"{bad}:5 metadata.tags[0]: " in "\n".join(lines)
    assert any(line.startswith(f"{bad}:6 spec.lifecycle: ") for line in lines), lines
    assert any(line.startswith(f"{bad}:9 spec.dependsOn[0]: ") for line in lines), lines

    broken = write(tmp_path / "broken.yaml", "kind: [oops\n")
    syntax = greenroom("catalog", "validate", str(broken), env=env)
    assert syntax.returncode == 1
    assert "YAML error at line" in syntax.stdout


def test_import_then_list_and_graph(tmp_path: Path, env: dict[str, str]) -> None:
    root = write_org(tmp_path / "org")
    imported = greenroom("catalog", "import", str(root), env=env)
    assert imported.returncode == 0, imported.stderr
    assert "new" in imported.stdout

    listed = greenroom(
        "catalog", "ls", "--kind", "component", "--owner", "team-b", "--json", env=env
    )
    names = sorted(json.loads(line)["metadata"]["name"] for line in listed.stdout.splitlines())
    assert names == ["checkout-web", "money-lib"]

    tagged = greenroom("catalog", "ls", "--kind", "component", "--tag", "java", env=env)
    assert "ledger" in tagged.stdout
    assert "checkout-web" not in tagged.stdout

    graph = greenroom("catalog", "graph", "component:ledger", "--depth", "1", env=env)
    assert graph.returncode == 0, graph.stderr
    assert "ownedBy group:default/team-a" in graph.stdout
    assert "providesApi api:default/ledger-api" in graph.stdout

    missing = greenroom("catalog", "graph", "component:nope", env=env)
    assert missing.returncode != 0
    assert "No entity component:default/nope" in missing.stderr


def test_db_upgrade_and_current(env: dict[str, str]) -> None:
    upgraded = greenroom("db", "upgrade", env=env)
    assert upgraded.returncode == 0, upgraded.stderr
    current = greenroom("db", "current", env=env)
    assert "(current)" in current.stdout


def test_bad_configuration_is_a_clear_error(tmp_path: Path, env: dict[str, str]) -> None:
    config = write(tmp_path / "greenroom.yaml", "catalog:\n  locations: ${NOT_SET_ANYWHERE}\n")
    env["GREENROOM_CONFIG_FILE"] = str(config)
    result = greenroom("catalog", "ls", env=env)
    assert result.returncode != 0
    assert "NOT_SET_ANYWHERE" in result.stderr
    assert "Traceback" not in result.stderr
