"""An example greenroom plugin: an entity provider fed by a team directory export.

It implements two hooks: `catalog_entity_providers` (the provider) and
`register_commands` (a `greenroom team-directory check` command).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click
from sqlalchemy.orm import Session

from greenroom.catalog.processing import PROVIDER_LOCATION_TYPE, SourceSpec
from greenroom.hookspecs import hookimpl
from greenroom.settings import Settings

NAME = "team-directory"


class TeamDirectoryProvider:
    """Hands the catalog one Group per team and one User per person."""

    name = NAME

    def __init__(self, export: Path) -> None:
        self.export = export

    def sources(self, session: Session) -> list[SourceSpec]:
        return [SourceSpec(f"provider:{NAME}", NAME, PROVIDER_LOCATION_TYPE, str(self.export))]

    def read_entities(self, source: SourceSpec) -> list[Any]:
        data = json.loads(Path(source.target).read_text(encoding="utf-8"))
        return entities_from_export(data)


def entities_from_export(data: Any) -> list[dict[str, Any]]:
    """Backstage descriptors for the teams and people of an export."""
    groups: list[dict[str, Any]] = []
    memberships: dict[str, list[str]] = {}
    people: dict[str, dict[str, Any]] = {}
    for team in data.get("teams", []):
        spec: dict[str, Any] = {"type": "team", "children": []}
        if team.get("parent"):
            spec["parent"] = team["parent"]
        if team.get("displayName"):
            spec["profile"] = {"displayName": team["displayName"]}
        groups.append(_entity("Group", team.get("name"), spec))
        for member in team.get("members", []):
            username = member.get("username")
            people.setdefault(username, member)
            memberships.setdefault(username, []).append(team.get("name"))
    users = [
        _entity(
            "User",
            username,
            {
                "profile": {"displayName": person.get("name"), "email": person.get("email")},
                "memberOf": memberships[username],
            },
        )
        for username, person in people.items()
    ]
    return groups + users


def _entity(kind: str, name: Any, spec: dict[str, Any]) -> dict[str, Any]:
    return {
        "apiVersion": "backstage.io/v1alpha1",
        "kind": kind,
        "metadata": {"name": name, "annotations": {"greenroom.dev/provider": NAME}},
        "spec": spec,
    }


@hookimpl
def catalog_entity_providers(settings: Settings) -> list[TeamDirectoryProvider]:
    config = settings.plugins.get("team_directory") or {}
    if "file" not in config:
        return []  # installed but not configured: contributes nothing
    return [TeamDirectoryProvider(Path(config["file"]))]


@hookimpl
def register_commands(cli: click.Group) -> None:
    @cli.group("team-directory")
    def team_directory() -> None:
        """The team directory example plugin."""

    @team_directory.command("check")
    @click.argument("export", type=click.Path(exists=True, dir_okay=False, path_type=Path))
    def check(export: Path) -> None:
        """Print how many Groups and Users an export would give."""
        entities = entities_from_export(json.loads(export.read_text(encoding="utf-8")))
        kinds = [entity["kind"] for entity in entities]
        click.echo(f"{kinds.count('Group')} groups, {kinds.count('User')} users")
