"""The kinds the catalog accepts: which apiVersions each takes and what its `spec` must hold.

Built-in kinds are described the same way a plugin describes its own: a
`KindSpec` registered in a `KindRegistry`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from greenroom.catalog.model.fields import (
    ValueCheck,
    an_object,
    entity_refs,
    non_empty_string,
    one_of,
    profile,
    string_list,
    template_parameters,
    template_steps,
)
from greenroom.catalog.model.issues import ValidationIssue, missing
from greenroom.catalog.model.relations import BUILTIN_REF_FIELDS, RefField

SpecValidator = Callable[[Mapping[str, object]], list[ValidationIssue]]
"""Rules over a whole `spec` that single-field checks cannot express."""

BACKSTAGE_API_VERSIONS = frozenset({"backstage.io/v1alpha1", "backstage.io/v1beta1"})
TEMPLATE_API_VERSIONS = frozenset({"scaffolder.backstage.io/v1beta3"})


# eq=False: `fields` is a dict, so specs compare and hash by identity.
@dataclass(frozen=True, eq=False)
class KindSpec:
    """What one kind, at the listed apiVersions, requires of its `spec`.

    `required` names spec fields that must be present; `fields` checks plain
    fields when present; `ref_fields` are entity-reference fields, checked to
    parse and turned into relations; `spec_validator` adds whole-spec rules.
    """

    kind: str
    api_versions: frozenset[str]
    required: tuple[str, ...] = ()
    fields: Mapping[str, ValueCheck] = field(default_factory=dict)
    ref_fields: tuple[RefField, ...] = ()
    spec_validator: SpecValidator | None = None

    def validate_spec(self, spec: Mapping[str, object]) -> list[ValidationIssue]:
        """The issues of a `spec` object of this kind; paths start at `spec`."""
        issues = [
            missing(("spec", name), f"every {self.kind} must have it")
            for name in self.required
            if name not in spec
        ]
        for name, check in self.fields.items():
            if name in spec:
                issues += check(spec[name], ("spec", name))
        for ref_field in self.ref_fields:
            if ref_field.name in spec:
                issues += entity_refs(ref_field, spec[ref_field.name], ("spec", ref_field.name))
        if self.spec_validator is not None:
            issues += self.spec_validator(spec)
        return issues


class KindRegistry:
    """The accepted kinds, looked up by kind and apiVersion."""

    def __init__(self, specs: Iterable[KindSpec] = ()) -> None:
        self._specs: dict[tuple[str, str], KindSpec] = {}
        self._versions: dict[str, frozenset[str]] = {}
        for spec in specs:
            self.register(spec)

    def register(self, spec: KindSpec) -> None:
        """Accept a kind at its apiVersions; raise ValueError if one is already taken."""
        taken = sorted(v for v in spec.api_versions if (spec.kind, v) in self._specs)
        if taken:
            raise ValueError(f"kind {spec.kind} is already registered for {', '.join(taken)}")
        if not spec.api_versions:
            raise ValueError(f"kind {spec.kind} needs at least one apiVersion")
        for version in spec.api_versions:
            self._specs[spec.kind, version] = spec
        self._versions[spec.kind] = self._versions.get(spec.kind, frozenset()) | spec.api_versions

    def lookup(self, kind: str, api_version: str) -> KindSpec | None:
        """The spec for this kind at this apiVersion, or None when it is not accepted."""
        return self._specs.get((kind, api_version))

    def api_versions(self, kind: str) -> frozenset[str]:
        """Every apiVersion the kind is accepted at; empty for an unknown kind."""
        return self._versions.get(kind, frozenset())

    def kinds(self) -> list[str]:
        """The known kinds, sorted."""
        return sorted(self._versions)


def default_kinds() -> KindRegistry:
    """A new registry holding Backstage's built-in kinds and the v1beta3 Template."""
    text = non_empty_string
    return KindRegistry(
        [
            _builtin(
                "Component",
                ("type", "lifecycle", "owner"),
                {"type": text, "lifecycle": text},
            ),
            _builtin(
                "API",
                ("type", "lifecycle", "owner", "definition"),
                {"type": text, "lifecycle": text, "definition": text},
            ),
            _builtin("Resource", ("type", "owner"), {"type": text}),
            _builtin("System", ("owner",), {"type": text}),
            _builtin("Domain", ("owner",), {"type": text}),
            _builtin("Group", ("type", "children"), {"type": text, "profile": profile}),
            _builtin("User", ("memberOf",), {"profile": profile}),
            _builtin(
                "Location",
                (),
                {
                    "type": text,
                    "target": text,
                    "targets": string_list,
                    "presence": one_of(("required", "optional")),
                },
            ),
            KindSpec(
                "Template",
                TEMPLATE_API_VERSIONS,
                required=("type", "steps"),
                fields={
                    "type": text,
                    "lifecycle": text,
                    "parameters": template_parameters,
                    "steps": template_steps,
                    "output": an_object,
                },
                ref_fields=BUILTIN_REF_FIELDS["Template"],
            ),
        ]
    )


def _builtin(kind: str, required: tuple[str, ...], fields: Mapping[str, ValueCheck]) -> KindSpec:
    return KindSpec(
        kind,
        BACKSTAGE_API_VERSIONS,
        required=required,
        fields=fields,
        ref_fields=BUILTIN_REF_FIELDS[kind],
    )
