"""Relations between entities: the names, the spec fields that produce them, and their output.

The table is Backstage's `BuiltinKindsEntityProcessor` (plus the scaffolder's
Template owner): every reference in one of these spec fields gives a forward
relation from the entity and the reverse relation from the target back to it.
A bare name is completed with the field's default kind and the entity's own
namespace.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import TYPE_CHECKING

from greenroom.catalog.model.refs import (
    EntityRef,
    InvalidEntityRef,
    entity_ref_of,
    parse_entity_ref,
)

if TYPE_CHECKING:
    from greenroom.catalog.model.kinds import KindRegistry

RELATION_OWNED_BY = "ownedBy"
RELATION_OWNER_OF = "ownerOf"
RELATION_PART_OF = "partOf"
RELATION_HAS_PART = "hasPart"
RELATION_PROVIDES_API = "providesApi"
RELATION_API_PROVIDED_BY = "apiProvidedBy"
RELATION_CONSUMES_API = "consumesApi"
RELATION_API_CONSUMED_BY = "apiConsumedBy"
RELATION_DEPENDS_ON = "dependsOn"
RELATION_DEPENDENCY_OF = "dependencyOf"
RELATION_PARENT_OF = "parentOf"
RELATION_CHILD_OF = "childOf"
RELATION_HAS_MEMBER = "hasMember"
RELATION_MEMBER_OF = "memberOf"

RELATION_PAIRS: tuple[tuple[str, str], ...] = (
    # Each relation with its reverse, the one a graph shows first leading
    # (the order of Backstage's catalog-graph ALL_RELATION_PAIRS).
    (RELATION_OWNER_OF, RELATION_OWNED_BY),
    (RELATION_CONSUMES_API, RELATION_API_CONSUMED_BY),
    (RELATION_API_PROVIDED_BY, RELATION_PROVIDES_API),
    (RELATION_HAS_PART, RELATION_PART_OF),
    (RELATION_PARENT_OF, RELATION_CHILD_OF),
    (RELATION_HAS_MEMBER, RELATION_MEMBER_OF),
    (RELATION_DEPENDS_ON, RELATION_DEPENDENCY_OF),
)


@dataclass(frozen=True, slots=True)
class Relation:
    """A directed, typed edge between two entities."""

    source: EntityRef
    type: str
    target: EntityRef


@dataclass(frozen=True, slots=True)
class RefField:
    """A spec field that holds entity references and the relations each reference produces.

    `default_kind` completes a bare name; None means the kind must be written out.
    """

    name: str
    default_kind: str | None
    relation: str
    reverse: str
    many: bool = False


_OWNER = RefField("owner", "Group", RELATION_OWNED_BY, RELATION_OWNER_OF)
_SYSTEM = RefField("system", "System", RELATION_PART_OF, RELATION_HAS_PART)
_DEPENDS_ON = RefField("dependsOn", None, RELATION_DEPENDS_ON, RELATION_DEPENDENCY_OF, many=True)
_DEPENDENCY_OF = RefField(
    "dependencyOf", None, RELATION_DEPENDENCY_OF, RELATION_DEPENDS_ON, many=True
)

BUILTIN_REF_FIELDS: Mapping[str, tuple[RefField, ...]] = MappingProxyType(
    {
        "Component": (
            _OWNER,
            RefField("subcomponentOf", "Component", RELATION_PART_OF, RELATION_HAS_PART),
            RefField(
                "providesApis", "API", RELATION_PROVIDES_API, RELATION_API_PROVIDED_BY, many=True
            ),
            RefField(
                "consumesApis", "API", RELATION_CONSUMES_API, RELATION_API_CONSUMED_BY, many=True
            ),
            _DEPENDS_ON,
            _DEPENDENCY_OF,
            _SYSTEM,
        ),
        "API": (_OWNER, _SYSTEM),
        "Resource": (_OWNER, _DEPENDS_ON, _DEPENDENCY_OF, _SYSTEM),
        "System": (_OWNER, RefField("domain", "Domain", RELATION_PART_OF, RELATION_HAS_PART)),
        "Domain": (_OWNER, RefField("subdomainOf", "Domain", RELATION_PART_OF, RELATION_HAS_PART)),
        "Group": (
            RefField("parent", "Group", RELATION_CHILD_OF, RELATION_PARENT_OF),
            RefField("children", "Group", RELATION_PARENT_OF, RELATION_CHILD_OF, many=True),
            RefField("members", "User", RELATION_HAS_MEMBER, RELATION_MEMBER_OF, many=True),
        ),
        "User": (
            RefField("memberOf", "Group", RELATION_MEMBER_OF, RELATION_HAS_MEMBER, many=True),
        ),
        "Location": (),
        "Template": (_OWNER,),
    }
)
"""The reference fields of each built-in kind (Backstage's relation table)."""


def relations_of(entity: Mapping[str, object], kinds: KindRegistry | None = None) -> list[Relation]:
    """Every relation a validated entity produces: forward ones, each followed by its reverse.

    Raises `InvalidEntityRef` on a reference that validation would have reported.
    """
    source = entity_ref_of(entity)
    # Without a registry, read the built-in table directly: default_kinds() is made from it.
    if kinds is None:
        ref_fields = BUILTIN_REF_FIELDS.get(source.kind, ())
    else:
        api_version = entity.get("apiVersion")
        kind_spec = kinds.lookup(source.kind, api_version) if isinstance(api_version, str) else None
        ref_fields = kind_spec.ref_fields if kind_spec is not None else ()
    spec = entity.get("spec")
    if not ref_fields or not isinstance(spec, (dict, Mapping)):
        return []
    relations: list[Relation] = []
    for field in ref_fields:
        value = spec.get(field.name)
        if not value:  # absent, null or empty, as Backstage skips them
            continue
        for item in value if isinstance(value, list | tuple) else (value,):
            if not isinstance(item, str):
                raise InvalidEntityRef(f"spec.{field.name} holds a {type(item).__name__}")
            target = parse_entity_ref(
                item, default_kind=field.default_kind, default_namespace=source.namespace
            )
            relations.append(Relation(source, field.relation, target))
            relations.append(Relation(target, field.reverse, source))
    return relations


def relations_output(pairs: Iterable[tuple[str, EntityRef | str]]) -> list[dict[str, str]]:
    """The `relations` array of an entity as the API returns it: distinct `{type, targetRef}`
    items with lowercase refs, sorted by type and then targetRef."""
    distinct = {(relation, str(target).lower()) for relation, target in pairs}
    return [{"type": relation, "targetRef": ref} for relation, ref in sorted(distinct)]
