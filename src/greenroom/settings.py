"""One typed settings object: `GREENROOM_*` environment variables over `greenroom.yaml`.

Environment variables win over the file; nested fields use `__`
(`GREENROOM_CATALOG__PROCESSING_INTERVAL_SECONDS=30`). Strings in the file may
use `${ENV_VAR}` (or `${ENV_VAR:-default}`), substituted when the file is read.
"""

from __future__ import annotations

import ipaddress
import os
import re
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, Field, SecretStr, field_validator
from pydantic.fields import FieldInfo
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)

from greenroom.errors import ConfigurationError

_ENV_REFERENCE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}")


class LocationSetting(BaseModel):
    """A location the catalog reads on every refresh, declared in configuration."""

    type: Literal["file", "url"] = "file"
    target: str
    """A file, folder or glob (`file`), or a git repository or http(s) file URL (`url`)."""


class GitDiscoverySetting(BaseModel):
    """Scan many git repositories for catalog files, as a company with 1,300 repos would."""

    root: str | None = None
    """A folder whose sub-folders (or `*.git` bare repositories) are git repositories."""
    urls: list[str] = Field(default_factory=list)
    """Explicit git repository URLs (`file://`, local paths or remote URLs)."""
    catalog_path: str = "catalog-info.yaml"
    """The catalog file inside each repository, relative to its root."""
    branch: str | None = None
    """The branch to read; the repository's default branch when unset."""


class CatalogSettings(BaseModel):
    """How the software catalog ingests and keeps entities."""

    locations: list[LocationSetting] = Field(default_factory=list)
    """Locations read on every refresh, in addition to those registered through the API."""
    git_discovery: list[GitDiscoverySetting] = Field(default_factory=list)
    """Git repositories scanned for catalog files."""
    processing_interval_seconds: float = 120.0
    """How often every location is read again; `0` turns periodic refresh off."""
    orphan_strategy: Literal["keep", "delete"] = "delete"
    """What happens to an entity no source emits any more: kept with an orphan mark, or deleted."""
    max_file_bytes: int = 5 * 1024 * 1024
    """Files larger than this are refused with an error on their location."""
    max_location_depth: int = 32
    """Location entities nested deeper than this are reported as a probable cycle."""
    readonly: bool = False
    """Refuse to register or delete locations through the API."""
    registration_file_roots: list[Path] = Field(default_factory=list)
    """Folders under which `file` locations (and local git repositories) may be registered
    through the API; none by default, so API users cannot make the server read its own files."""
    registration_allowed_hosts: list[str] = Field(default_factory=list)
    """Hosts (`git.example.com`, `*.example.com`) whose http(s) URLs may be registered through
    the API; none by default, so the server cannot be made to fetch internal URLs."""
    bulk_load_min_sources: int = 20
    """Filling an empty catalog from at least this many sources builds the query indexes
    once at the end instead of entry by entry; `0` never does."""
    processing_workers: int = 2
    """Worker processes that read and parse sources while the main process writes;
    `0` processes in the main process."""
    http_timeout_seconds: float = 15.0
    """Timeout for reading http(s) locations and `$text` URLs."""
    request_read_timeout_seconds: float = 60.0
    """A dry run or an analysis reads a location while someone waits: it answers within
    this many seconds, or says to register the location and let the catalog read it."""
    request_read_concurrency: int = 2
    """Dry runs and analyses reading at once; more are refused until one finishes."""


class CatalogColumnSetting(BaseModel):
    """An extra column of the catalog table, read from each entity (or from its owner)."""

    title: str
    field: str
    """A dotted path into the entity: `metadata.labels.tier`, `spec.tier`,
    `metadata.annotations.example.com/team-slack` (annotation and label keys may
    contain dots and slashes; the longest key that exists wins)."""
    source: Literal["entity", "owner"] = "entity"
    """`owner` reads the field from the entity's owner: `spec.parent` of the owning
    squad is its colony."""
    kinds: list[str] = Field(default_factory=list)
    """Kinds whose table shows the column; all kinds when empty."""
    link: bool = False
    """Render the value as a link to the entity it names (for refs such as `spec.parent`)."""


class SupportItemSetting(BaseModel):
    """A group of links on the Feedback & Support page."""

    title: str
    links: list[dict[str, str]] = Field(default_factory=list)
    """`{url, title}` pairs."""


class UiSettings(BaseModel):
    """How the web UI looks for this company."""

    title: str = "greenroom"
    """The portal's name, shown in the sidebar and page titles."""
    catalog_columns: list[CatalogColumnSetting] = Field(default_factory=list)
    """Extra columns of the catalog table (for example a tier label and the owner's colony)."""
    support_url: str | None = None
    """Where people ask for help with the portal (a chat channel or issue tracker)."""
    support_items: list[SupportItemSetting] = Field(default_factory=list)
    """Link groups shown on the Feedback & Support page."""


class SignInResolverSetting(BaseModel):
    """How a signed-in person is matched to a catalog User."""

    type: Literal["email", "annotation"] = "email"
    """`email`: the identity's e-mail against `spec.profile.email` (case-insensitive);
    `annotation`: a claim (or header) value against an annotation of the User."""
    claim: str = "email"
    """The ID-token claim to read (`annotation` resolver): `sub`, `preferred_username`..."""
    annotation: str | None = None
    """The User annotation the claim must equal (`annotation` resolver), for example
    `example.com/okta-id`."""


class OidcProviderSetting(BaseModel):
    """An OpenID Connect provider people sign in with (Google, Entra ID, Okta, Keycloak...)."""

    name: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{0,31}$")
    """Identifies the provider in URLs: `/auth/oidc/<name>/login`."""
    title: str | None = None
    """The sign-in button's label; the name when unset."""
    issuer: str
    """The issuer URL; its `/.well-known/openid-configuration` is read at sign-in."""
    client_id: str
    client_secret: SecretStr
    scopes: list[str] = Field(default_factory=lambda: ["openid", "email", "profile"])
    resolver: SignInResolverSetting = Field(default_factory=SignInResolverSetting)


class ProxyAuthSetting(BaseModel):
    """Trust an authenticating reverse proxy (oauth2-proxy, an ingress) to say who is asking."""

    enabled: bool = False
    header: str = "X-Forwarded-Email"
    """The request header carrying the person's identity."""
    trusted_addresses: list[str] = Field(default_factory=list)
    """Addresses or networks (`10.0.0.0/8`) of the proxies; the header from anyone else is
    ignored, so a client cannot claim an identity by sending it."""
    resolver: SignInResolverSetting = Field(default_factory=SignInResolverSetting)
    """How the header's value is matched to a User (`email`, or `annotation` with `claim`
    ignored)."""

    @field_validator("trusted_addresses")
    @classmethod
    def _networks(cls, value: list[str]) -> list[str]:
        for address in value:
            try:
                ipaddress.ip_network(address, strict=False)
            except ValueError as exc:
                raise ValueError(f"{address!r} is not an address or network: {exc}") from exc
        return value


class AuthSettings(BaseModel):
    """How people and automation sign in, and what they may do."""

    development_identity: bool = False
    """Let anyone pick a catalog User to act as, for trying the portal out. Off unless
    enabled, and greenroom refuses to start with it on when `env` is `production`."""
    oidc: list[OidcProviderSetting] = Field(default_factory=list)
    """OpenID Connect providers offered on the sign-in page."""
    proxy: ProxyAuthSetting = Field(default_factory=ProxyAuthSetting)
    session_hours: float = 12.0
    """How long a browser session lasts after signing in."""
    public_read: bool = False
    """Let requests that are not signed in read the catalog (never change anything)."""
    admin_groups: list[str] = Field(default_factory=list)
    """Groups whose members may do anything (`group:default/platform-admins`)."""
    admin_users: list[str] = Field(default_factory=list)
    """Users who may do anything, for example the first admin before groups exist."""
    ownership_includes_child_groups: bool = True
    """A member of a group also owns what the groups below it own, so a colony lead
    owns what the colony's squads own."""
    ownership_includes_parent_groups: bool = False
    """A member of a group also owns what the groups above it own."""
    sign_in_attempts_per_minute: int = 20
    """Sign-in attempts (and failed bearer tokens) allowed per client address per minute."""


class Settings(BaseSettings):
    """Everything greenroom can be configured with."""

    model_config = SettingsConfigDict(
        env_prefix="GREENROOM_",
        env_nested_delimiter="__",
        extra="forbid",
    )

    env: Literal["development", "production", "test"] = "development"
    """`production` turns on JSON logs and refuses unsafe defaults."""
    data_dir: Path = Path("var")
    """Where the embedded database, git caches and built docs live."""
    database_url: str | None = None
    """SQLAlchemy URL; defaults to a SQLite file in `data_dir`. PostgreSQL: `postgresql+psycopg://…`."""
    host: str = "127.0.0.1"
    """Address `greenroom serve` binds to."""
    port: int = 7007
    """Port `greenroom serve` listens on."""
    base_url: str | None = None
    """Public URL of the portal, used in links; defaults to `http://host:port`."""
    log_format: Literal["auto", "json", "console"] = "auto"
    """`auto` is JSON in production and readable text otherwise."""
    log_level: str = "INFO"
    session_secret: SecretStr = SecretStr("development-only-secret")
    """Signs session cookies. Must be set to a real secret in production."""
    run_workers: bool = True
    """Run background work (catalog processing) inside `greenroom serve`."""
    catalog: CatalogSettings = Field(default_factory=CatalogSettings)
    ui: UiSettings = Field(default_factory=UiSettings)
    auth: AuthSettings = Field(default_factory=AuthSettings)
    plugins: dict[str, dict[str, Any]] = Field(default_factory=dict)
    """Settings of installed plugins, one mapping per plugin (`plugins.<name>.<setting>`)."""
    config_file: Path | None = None
    """`greenroom.yaml` to read; `GREENROOM_CONFIG_FILE`, else `./greenroom.yaml` when present."""

    @field_validator("log_level")
    @classmethod
    def _known_level(cls, value: str) -> str:
        upper = value.upper()
        if upper not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
            raise ValueError(f"unknown log level {value!r}")
        return upper

    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'greenroom.db').resolve()}"

    @property
    def development_identity_enabled(self) -> bool:
        return self.auth.development_identity and self.env != "production"

    @property
    def resolved_base_url(self) -> str:
        return (self.base_url or f"http://{self.host}:{self.port}").rstrip("/")

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (init_settings, env_settings, YamlFileSource(settings_cls))


class YamlFileSource(PydanticBaseSettingsSource):
    """Reads `greenroom.yaml` (app-config style) with `${ENV}` substitution."""

    def get_field_value(self, field: FieldInfo, field_name: str) -> tuple[Any, str, bool]:
        return None, field_name, False  # __call__ returns the whole file at once

    def __call__(self) -> dict[str, Any]:
        path = config_file_path()
        if path is None:
            return {}
        try:
            loaded = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
            raise ConfigurationError(f"{path}: cannot read configuration: {exc}") from exc
        if loaded is None:
            return {}
        if not isinstance(loaded, dict):
            raise ConfigurationError(f"{path}: expected a mapping at the top level")
        return substitute_env(loaded, str(path))  # type: ignore[no-any-return]


def config_file_path() -> Path | None:
    explicit = os.environ.get("GREENROOM_CONFIG_FILE")
    if explicit:
        path = Path(explicit)
        if not path.is_file():
            raise ConfigurationError(f"GREENROOM_CONFIG_FILE={explicit}: no such file")
        return path
    default = Path("greenroom.yaml")
    return default if default.is_file() else None


def substitute_env(value: Any, where: str) -> Any:
    """Replace `${NAME}` and `${NAME:-default}` in every string of a loaded YAML tree."""
    if isinstance(value, dict):
        return {key: substitute_env(item, where) for key, item in value.items()}
    if isinstance(value, list):
        return [substitute_env(item, where) for item in value]
    if isinstance(value, str):

        def replace(match: re.Match[str]) -> str:
            name, default = match.group(1), match.group(2)
            if name in os.environ:
                return os.environ[name]
            if default is not None:
                return default
            raise ConfigurationError(f"{where}: environment variable {name} is not set")

        return _ENV_REFERENCE.sub(replace, value)
    return value


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once."""
    return Settings()
