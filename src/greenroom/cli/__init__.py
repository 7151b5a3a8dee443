"""The `greenroom` command line: a thin click layer over the domain services."""

from __future__ import annotations

import sys

import click

from greenroom import __version__
from greenroom.cli.db import db_group
from greenroom.cli.remote import whoami_command
from greenroom.cli.serve import serve_command, worker_command
from greenroom.errors import GreenroomError
from greenroom.plugins import get_plugin_manager, installed_plugins


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="greenroom")
def cli() -> None:
    """greenroom: the internal developer portal."""


cli.add_command(serve_command)
cli.add_command(worker_command)
cli.add_command(db_group)
cli.add_command(whoami_command)


@cli.command("plugins")
def plugins_command() -> None:
    """List the loaded plugins, built-in domains included."""
    for name in installed_plugins():
        click.echo(name)


def build_cli() -> click.Group:
    """The command group with every plugin's commands added."""
    get_plugin_manager().hook.register_commands(cli=cli)
    return cli


def main() -> None:
    try:
        build_cli()(standalone_mode=True)
    except GreenroomError as exc:  # raised outside a command (for example, bad settings)
        click.echo(f"error: {exc.message}", err=True)
        sys.exit(2)
