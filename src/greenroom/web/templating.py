"""The one place that builds the Jinja environment every HTML page renders with.

Autoescaping is on for every template: whatever a team wrote in a descriptor
(titles, descriptions, links, annotations) reaches the page as text. Links go
through `safe_url`, so a `javascript:` URL that slipped into a field nobody
validates still renders inert.
"""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlencode

import jinja2
from starlette.templating import Jinja2Templates

from greenroom.catalog.model import InvalidEntityRef, parse_entity_ref
from greenroom.catalog.model.formats import classify_url
from greenroom.catalog.processing import REJECTED_URL

if TYPE_CHECKING:
    import pluggy

STATIC_DIR = Path(__file__).parent / "static"
SAFE_SCHEMES = ("http", "https", "mailto")


def build_templates(plugins: pluggy.PluginManager) -> Jinja2Templates:
    """Templates from every plugin's folders, with the portal's filters and globals."""
    folders = [Path(__file__).parent / "templates"]
    for contributed in plugins.hook.template_directories():
        folders.extend(Path(folder) for folder in contributed)
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader([str(folder) for folder in folders]),
        autoescape=True,
        # Entities are sparse documents: a missing optional field renders as nothing.
        undefined=jinja2.ChainableUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters.update(
        entity_url=entity_url,
        ref_name=ref_name,
        ref_kind=ref_kind,
        safe_url=safe_url,
        query_with=query_with,
    )
    environment.globals.update(static_url=static_url)
    return Jinja2Templates(env=environment)


def entity_url(ref: str, tab: str = "") -> str:
    """`/catalog/{namespace}/{kind}/{name}` (Backstage's URL) for an entity ref."""
    try:
        parsed = parse_entity_ref(ref)
    except InvalidEntityRef:
        return "/catalog"
    path = "/catalog/{}/{}/{}".format(
        *(quote(part, safe="") for part in (parsed.namespace, parsed.kind.lower(), parsed.name))
    )
    return f"{path}/{quote(tab, safe='')}" if tab else path


def ref_name(ref: str, default_namespace: str = "default") -> str:
    """A ref as people read it: `name`, or `namespace/name` outside the default namespace."""
    try:
        parsed = parse_entity_ref(ref)
    except InvalidEntityRef:
        return ref
    if parsed.namespace == default_namespace:
        return parsed.name
    return f"{parsed.namespace}/{parsed.name}"


def ref_kind(ref: str) -> str:
    try:
        return parse_entity_ref(ref).kind
    except InvalidEntityRef:
        return ""


def safe_url(value: object) -> str:
    """The URL if a browser would follow it harmlessly (http, https, mailto), else `#`.

    The catalog's marker for a rejected view/edit URL counts as no link at all.
    """
    if not isinstance(value, str) or value == REJECTED_URL or classify_url(value) != "valid":
        return "#"
    scheme = value.strip().split(":", 1)[0].lower()
    return value if scheme in SAFE_SCHEMES else "#"


def query_with(params: dict[str, Any], **changes: Any) -> str:
    """The query string of `params` with some keys replaced (None removes a key)."""
    merged = {**params, **changes}
    pairs: list[tuple[str, str]] = []
    for key, value in merged.items():
        if value is None or value == "" or value == []:
            continue
        if isinstance(value, list | tuple):
            pairs.extend((key, str(item)) for item in value)
        else:
            pairs.append((key, str(value)))
    return "?" + urlencode(pairs) if pairs else "?"


def static_url(path: str) -> str:
    """A static asset's URL with a content hash, so browsers may cache it forever."""
    return f"/static/{path}?v={_asset_version(path)}"


@cache
def _asset_version(path: str) -> str:
    asset = STATIC_DIR / path
    if not asset.is_file():
        return "missing"
    return hashlib.sha256(asset.read_bytes()).hexdigest()[:12]
