"""The CLI talking to a remote greenroom over its JSON API, with an access token.

`--url` names the portal; the token comes from `--token`, `GREENROOM_TOKEN` or
`~/.config/greenroom/cli.yaml` (`url:` and `token:`). That file holds a
credential, so, as ssh does with a private key, the CLI refuses to read it
while group or others may.
"""

from __future__ import annotations

import ipaddress
import json
import os
import stat
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any, TypeVar
from urllib.parse import urlsplit

import click
import httpx
import yaml
from click.core import ParameterSource

from greenroom import __version__

TOKEN_ENV = "GREENROOM_TOKEN"  # noqa: S105 - the variable's name, not a token
TIMEOUT_SECONDS = 30.0
CONFIG_KEYS = frozenset({"url", "token"})

F = TypeVar("F", bound=Callable[..., Any])


def config_path() -> Path:
    """`$XDG_CONFIG_HOME/greenroom/cli.yaml`, or `~/.config/greenroom/cli.yaml`."""
    configured = os.environ.get("XDG_CONFIG_HOME", "")
    # The XDG spec says a relative XDG_CONFIG_HOME is invalid and must be ignored.
    root = Path(configured) if os.path.isabs(configured) else Path.home() / ".config"
    return root / "greenroom" / "cli.yaml"


@dataclass(frozen=True)
class CliConfig:
    url: str | None = None
    token: str | None = None


def read_config(path: Path) -> CliConfig:
    """The config file's settings; none when it does not exist."""
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        return CliConfig()
    except OSError as exc:
        raise click.ClickException(f"{path}: {exc.strerror}") from exc
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise click.ClickException(
            f"{path} holds an access token, but its permissions ({stat.filemode(mode)}) let "
            f"others read or change it, so it is ignored. Run `chmod 600 {path}`."
        )
    try:
        loaded = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise click.ClickException(f"{path}: cannot read it: {exc}") from exc
    if loaded is None:
        return CliConfig()
    if not isinstance(loaded, dict) or not set(loaded) <= CONFIG_KEYS:
        raise click.ClickException(f"{path}: expected a mapping with `url:` and `token:` only")
    values = {key: loaded.get(key) for key in CONFIG_KEYS}
    if not all(value is None or isinstance(value, str) for value in values.values()):
        raise click.ClickException(f"{path}: `url` and `token` must be strings")
    return CliConfig(url=values["url"], token=values["token"])


def portal_url(url: str) -> str:
    """The portal's base URL, checked: http(s), a host, no trailing slash."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise click.UsageError(
            f"{url!r} is not a portal address; give one such as https://portal.example.com"
        )
    return url.strip().rstrip("/")


class RemotePortal:
    """A greenroom's JSON API, called with a bearer token; failures become click errors.

    `token_source` (`--token`, `GREENROOM_TOKEN`, the config file) is named when the
    token is refused, so people know which one to replace.
    """

    def __init__(self, url: str, token: str, *, token_source: str) -> None:
        self.url = portal_url(url)
        self.token_source = token_source
        self.client = httpx.Client(
            base_url=self.url,
            headers={
                "Authorization": f"Bearer {token.strip()}",
                "Accept": "application/json",
                "User-Agent": f"greenroom-cli/{__version__}",
            },
            timeout=TIMEOUT_SECONDS,
            # A redirect usually means the wrong address (http to https, a sign-in page);
            # saying so beats following it with the token.
            follow_redirects=False,
        )

    def __enter__(self) -> RemotePortal:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.client.close()

    def get(self, path: str, params: dict[str, Any] | None = None) -> Any:
        return _json(self.request("GET", path, params=params))

    def post(self, path: str, body: dict[str, Any]) -> Any:
        return _json(self.request("POST", path, json=body))

    def request(self, method: str, path: str, **options: Any) -> httpx.Response:
        try:
            response = self.client.request(method, path, **options)
        except httpx.HTTPError as exc:
            raise click.ClickException(f"cannot reach {self.url}: {exc}") from exc
        if not response.is_success:
            raise click.ClickException(self.failure(response))
        return response

    def failure(self, response: httpx.Response) -> str:
        """What went wrong, in the server's own words when it sent any."""
        status = f"{response.status_code} {response.reason_phrase}".strip()
        where = f"{response.request.method} {response.request.url}"
        if response.is_redirect:
            location = response.headers.get("location", "?")
            return f"{where} answered {status}, to {location}: is {self.url} the portal's address?"
        message = _problem_message(response)
        if message is None:
            return f"{where} answered {status}"
        if response.status_code == 401:
            return f"{status}: {message} (the token came from {self.token_source})"
        return f"{status}: {message}"


def _problem_message(response: httpx.Response) -> str | None:
    try:
        body = response.json()
    except ValueError:
        return None
    error = body.get("error") if isinstance(body, dict) else None
    message = error.get("message") if isinstance(error, dict) else None
    return message if isinstance(message, str) else None


def _json(response: httpx.Response) -> Any:
    if not response.content:
        return None
    try:
        return response.json()
    except ValueError as exc:
        raise click.ClickException(
            f"{response.request.url} did not answer with JSON: is it a greenroom?"
        ) from exc


def remote_options(command: F) -> F:
    """Add `--url` and `--token` to a command that can ask a remote greenroom."""
    command = click.option(
        "--token",
        envvar=TOKEN_ENV,
        show_envvar=True,
        default=None,
        help="Access token for --url (prefer the variable: arguments show up in `ps`).",
    )(command)
    return click.option(
        "--url",
        metavar="URL",
        default=None,
        help="Ask the greenroom at this address (https://portal.example.com).",
    )(command)


def connect(url: str | None, token: str | None) -> RemotePortal:
    """The portal `url` (or the config file's `url:`) names, with the token to send it."""
    path = config_path()
    config = CliConfig() if url and token else read_config(path)
    chosen = url or config.url
    if not chosen:
        raise click.UsageError(f"Name the portal with --url URL, or `url:` in {path}.")
    chosen = portal_url(chosen)
    if token:
        source = _option_source()
    elif config.token:
        if config.url and portal_url(config.url) != chosen:
            # Never hand one portal's credential to another address.
            raise click.ClickException(
                f"The token in {path} is for {config.url}, not {chosen}; set {TOKEN_ENV} for it."
            )
        token, source = config.token, str(path)
    else:
        raise click.ClickException(
            f"No access token for {chosen}: set {TOKEN_ENV} or put `token:` in {path}. "
            "Create one in the portal under Settings, Access tokens."
        )
    _warn_if_plain_http(chosen)
    return RemotePortal(chosen, token, token_source=source)


def _option_source() -> str:
    context = click.get_current_context(silent=True)
    from_env = context is not None and (
        context.get_parameter_source("token") is ParameterSource.ENVIRONMENT
    )
    return TOKEN_ENV if from_env else "--token"


def _warn_if_plain_http(url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme == "https" or parts.hostname in (None, "localhost"):
        return
    try:
        if ipaddress.ip_address(parts.hostname).is_loopback:
            return
    except ValueError:
        pass
    click.echo(f"warning: {url} is plain http: the network between can read the token", err=True)


@click.command("whoami")
@remote_options
@click.option("--json", "as_json", is_flag=True, help="Print the answer as JSON.")
def whoami_command(url: str | None, token: str | None, as_json: bool) -> None:
    """Show whom your token signs you in as on a remote greenroom."""
    with connect(url, token) as portal:
        me = portal.get("/api/auth/whoami")
    if as_json:
        click.echo(json.dumps(me))
        return
    scopes = me.get("scopes")
    click.echo(me["userEntityRef"])
    click.echo(f"  name:       {me['displayName']}")
    click.echo(f"  signed in:  with a {me['source']} at {portal.url}")
    click.echo(f"  scopes:     {', '.join(scopes) if scopes is not None else 'all'}")
    click.echo(f"  ownership:  {', '.join(me['ownershipEntityRefs'])}")
