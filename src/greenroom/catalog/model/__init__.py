"""The Backstage entity descriptor model: references, validation, kinds and relations.

Pure Python and free of I/O, so ingestion, the API and the CLI judge an entity
the same way.
"""

from greenroom.catalog.model.fields import ValueCheck
from greenroom.catalog.model.issues import FieldPath, ValidationIssue, render_path
from greenroom.catalog.model.kinds import (
    BACKSTAGE_API_VERSIONS,
    TEMPLATE_API_VERSIONS,
    KindRegistry,
    KindSpec,
    SpecValidator,
    default_kinds,
)
from greenroom.catalog.model.refs import (
    DEFAULT_NAMESPACE,
    EntityRef,
    InvalidEntityRef,
    entity_ref_of,
    parse_entity_ref,
)
from greenroom.catalog.model.relations import (
    BUILTIN_REF_FIELDS,
    RELATION_API_CONSUMED_BY,
    RELATION_API_PROVIDED_BY,
    RELATION_CHILD_OF,
    RELATION_CONSUMES_API,
    RELATION_DEPENDENCY_OF,
    RELATION_DEPENDS_ON,
    RELATION_HAS_MEMBER,
    RELATION_HAS_PART,
    RELATION_MEMBER_OF,
    RELATION_OWNED_BY,
    RELATION_OWNER_OF,
    RELATION_PAIRS,
    RELATION_PARENT_OF,
    RELATION_PART_OF,
    RELATION_PROVIDES_API,
    RefField,
    Relation,
    relations_of,
    relations_output,
)
from greenroom.catalog.model.validation import ROOT_FIELDS, normalize_entity, validate_entity

__all__ = [
    "BACKSTAGE_API_VERSIONS",
    "BUILTIN_REF_FIELDS",
    "DEFAULT_NAMESPACE",
    "RELATION_API_CONSUMED_BY",
    "RELATION_API_PROVIDED_BY",
    "RELATION_CHILD_OF",
    "RELATION_CONSUMES_API",
    "RELATION_DEPENDENCY_OF",
    "RELATION_DEPENDS_ON",
    "RELATION_HAS_MEMBER",
    "RELATION_HAS_PART",
    "RELATION_MEMBER_OF",
    "RELATION_OWNED_BY",
    "RELATION_OWNER_OF",
    "RELATION_PAIRS",
    "RELATION_PARENT_OF",
    "RELATION_PART_OF",
    "RELATION_PROVIDES_API",
    "ROOT_FIELDS",
    "TEMPLATE_API_VERSIONS",
    "EntityRef",
    "FieldPath",
    "InvalidEntityRef",
    "KindRegistry",
    "KindSpec",
    "RefField",
    "Relation",
    "SpecValidator",
    "ValidationIssue",
    "ValueCheck",
    "default_kinds",
    "entity_ref_of",
    "normalize_entity",
    "parse_entity_ref",
    "relations_of",
    "relations_output",
    "render_path",
    "validate_entity",
]
