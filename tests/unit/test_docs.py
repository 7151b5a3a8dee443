"""The documentation covers every hook, setting and command (datasette's habit)."""

from __future__ import annotations

import inspect
import subprocess
import sys
from pathlib import Path

import click
import pytest
from pydantic import BaseModel

from greenroom import hookspecs
from greenroom.cli import build_cli
from greenroom.settings import Settings
from tests.conftest import REPO_ROOT

DOCS = REPO_ROOT / "docs"


def hook_names() -> list[str]:
    return [
        name
        for name, function in inspect.getmembers(hookspecs, inspect.isfunction)
        if hasattr(function, "greenroom_spec")
    ]


def setting_names(model: type[BaseModel] = Settings, prefix: str = "") -> list[str]:
    names = []
    for name, field in model.model_fields.items():
        annotation = field.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            names.extend(setting_names(annotation, f"{name}."))
        else:
            names.append(f"{prefix}{name}")
    return names


def command_paths(group: click.Group, prefix: str = "greenroom") -> list[str]:
    paths = []
    for name, command in group.commands.items():
        path = f"{prefix} {name}"
        if isinstance(command, click.Group):
            paths.extend(command_paths(command, path))
        else:
            paths.append(path)
    return paths


def test_there_are_hooks_to_document() -> None:
    assert {"register_routes", "catalog_entity_providers"} <= set(hook_names())


@pytest.mark.parametrize("hook", hook_names())
def test_every_hook_is_documented(hook: str) -> None:
    text = (DOCS / "development" / "plugins.md").read_text(encoding="utf-8")
    assert f"### `{hook}(" in text


@pytest.mark.parametrize("setting", setting_names())
def test_every_setting_is_documented(setting: str) -> None:
    text = (DOCS / "operations" / "configuration.md").read_text(encoding="utf-8")
    assert f"`{setting.rsplit('.', 1)[-1]}`" in text


@pytest.mark.parametrize("command", command_paths(build_cli()))
def test_every_builtin_command_is_documented(command: str) -> None:
    text = "\n".join(p.read_text(encoding="utf-8") for p in DOCS.rglob("*.md"))
    text += (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    assert command in text


def test_the_documentation_site_builds_without_warnings(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(tmp_path)],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "user" / "catalog" / "index.html").is_file()
