"""`greenroom db`: schema migrations."""

from __future__ import annotations

import click

from greenroom.db import migrate
from greenroom.db.engine import build_engine
from greenroom.settings import get_settings


@click.group("db")
def db_group() -> None:
    """Manage the database schema."""


@db_group.command("upgrade")
@click.option("--revision", default="head", show_default=True, help="Target revision.")
def upgrade_command(revision: str) -> None:
    """Apply migrations to the configured database."""
    settings = get_settings()
    engine = build_engine(settings.resolved_database_url)
    try:
        migrate.upgrade(engine, revision)
        click.echo(f"database at {migrate.current_revision(engine)}")
    finally:
        engine.dispose()


@db_group.command("current")
def current_command() -> None:
    """Print the database's revision and whether it is current."""
    settings = get_settings()
    engine = build_engine(settings.resolved_database_url)
    try:
        current = migrate.current_revision(engine)
        state = "current" if current == migrate.head_revision() else "needs `greenroom db upgrade`"
        click.echo(f"{current or 'empty'} ({state})")
    finally:
        engine.dispose()
