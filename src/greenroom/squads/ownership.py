"""Owned-entity counts by kind as squad pages show them, each linked to the catalog.

A count over several owners (a colony and every group below it) links to the
catalog index with one `owner=` per group; the index takes at most
`MAX_VALUES_PER_FILTER` of them, so a larger count is shown without a link.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import urlencode

from sqlalchemy.orm import Session

from greenroom.catalog.browse import MAX_VALUES_PER_FILTER
from greenroom.catalog.facet_cache import FacetCache
from greenroom.catalog.service import CatalogService
from greenroom.runtime import Runtime

MAX_OWNERS_PER_LINK = MAX_VALUES_PER_FILTER
FACET_CACHE_KEY = "catalog.facet_cache"  # the catalog index's cache, shared on purpose
KNOWN_LABELS = {"api": "API"}


@dataclass(frozen=True)
class KindCount:
    kind: str
    """Lowercase, as the catalog index's `kind=` parameter takes it."""
    label: str
    count: int
    url: str | None
    """The catalog view listing exactly these entities; None when it cannot be linked."""


def kind_counts(
    per_owner: Mapping[str, Mapping[str, int]],
    owners: Sequence[str],
    labels: Mapping[str, str],
) -> list[KindCount]:
    """The counts per kind of what any of `owners` owns, with a catalog link when it fits one."""
    totals: Counter[str] = Counter()
    for owner in dict.fromkeys(owners):
        totals.update(per_owner.get(owner, {}))
    linkable = len(set(owners)) <= MAX_OWNERS_PER_LINK
    counts = [
        KindCount(
            kind=kind,
            label=labels.get(kind) or KNOWN_LABELS.get(kind) or kind.capitalize(),
            count=count,
            url=catalog_url(kind, owners) if linkable else None,
        )
        for kind, count in totals.items()
        if count
    ]
    return sorted(counts, key=lambda item: item.label.lower())


def catalog_url(kind: str, owners: Sequence[str]) -> str:
    """The catalog index filtered to one kind and some owners, for everyone (`user=all`)."""
    pairs = [("kind", kind), *(("owner", owner) for owner in dict.fromkeys(owners))]
    return "/catalog?" + urlencode([*pairs, ("user", "all")])


def kind_labels(session: Session, runtime: Runtime) -> dict[str, str]:
    """Each kind as its descriptors write it (`Component`, `API`), by its lowercase form."""
    cache = runtime.service(FACET_CACHE_KEY, lambda _: FacetCache())
    values = CatalogService(session).facets(["kind"], [], cache)["kind"]
    return {str(item["value"]).lower(): str(item["value"]) for item in values}
