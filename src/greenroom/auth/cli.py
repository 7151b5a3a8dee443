"""`greenroom token ...`: access tokens made by an operator on the server's own machine.

This is how automation (and the first admin) get in before anyone can sign in:
it writes to the configured database directly and prints the token alone on
its last line, for scripts.
"""

from __future__ import annotations

import click

from greenroom.auth.tokens import TokenService, parse_lifetime
from greenroom.cli.local import local_runtime
from greenroom.cli.output import print_rows
from greenroom.db.session import Database
from greenroom.errors import GreenroomError

OPERATOR = "operator:cli"
"""Who `created_by` names for tokens made here: someone with the server's configuration."""


def _database() -> Database:
    return local_runtime().database


@click.group("token")
def token_group() -> None:
    """Create, list and revoke access tokens (on the server's machine)."""


@token_group.command("create")
@click.option("--user", "user_ref", required=True, help="Whom the token acts as: user:default/NAME")
@click.option("--name", default="created with greenroom token create", help="What it is for")
@click.option("--scope", "scopes", multiple=True, help="Repeat for several; `*` when none")
@click.option("--expires", default="90d", show_default=True, help="Lifetime: 30d, 12h, 365d")
def create_token(user_ref: str, name: str, scopes: tuple[str, ...], expires: str) -> None:
    """Create a token and print it (alone, on the last line)."""
    try:
        with _database().transaction(write=True) as session:
            issued = TokenService(session).create(
                user_ref=user_ref,
                name=name,
                scopes=list(scopes),
                lifetime=parse_lifetime(expires),
                kind="service",
                created_by=OPERATOR,
            )
    except GreenroomError as exc:
        raise click.ClickException(exc.message) from exc
    click.echo(
        f"Token {issued.row.id} for {issued.row.user_ref}, scopes {', '.join(issued.row.scopes)}, "
        f"expires {issued.row.expires_at:%Y-%m-%d %H:%M} UTC. It is shown only now:",
        err=True,
    )
    click.echo(issued.token)


@token_group.command("list")
@click.option("--user", "user_ref", default=None, help="Only this user's tokens")
def list_tokens(user_ref: str | None) -> None:
    """List tokens (never the tokens themselves)."""
    with _database().transaction() as session:
        rows = [
            (
                row.id,
                row.user_ref,
                row.name,
                ", ".join(row.scopes),
                f"{row.expires_at:%Y-%m-%d}",
                f"{row.last_used_at:%Y-%m-%d %H:%M}" if row.last_used_at else "never",
                "revoked" if row.revoked_at else "active",
            )
            for row in TokenService(session).list(user_ref.lower() if user_ref else None)
        ]
    print_rows(("id", "user", "name", "scopes", "expires", "last used", "status"), rows)


@token_group.command("revoke")
@click.argument("token_id")
def revoke_token(token_id: str) -> None:
    """Revoke a token by id; it stops working on its next request."""
    try:
        with _database().transaction(write=True) as session:
            row = TokenService(session).revoke(token_id)
    except GreenroomError as exc:
        raise click.ClickException(exc.message) from exc
    click.echo(f"Revoked {row.id} ({row.name}) of {row.user_ref}.")
