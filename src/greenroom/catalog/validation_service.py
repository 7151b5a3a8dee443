"""`POST /validate-entity` and `POST /analyze-location`: checks that store nothing."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from greenroom.catalog.model import validate_entity
from greenroom.catalog.processing import SourceSpec
from greenroom.catalog.service import LocationService, outcome_messages
from greenroom.catalog.source_repository import SourceRepository
from greenroom.catalog.sources.placeholders import PLACEHOLDER_KEYS
from greenroom.errors import InputError


def _without_placeholders(value: Any) -> Any:
    # The definition behind a placeholder is not fetched here; assume it resolves.
    if isinstance(value, dict):
        if len(value) == 1 and next(iter(value)) in PLACEHOLDER_KEYS:
            return "(placeholder)"
        return {key: _without_placeholders(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_without_placeholders(item) for item in value]
    return value


def validate_entity_body(entity: Any, location: str) -> list[dict[str, str]]:
    """Every validation problem of `entity`, as serialized errors; empty when valid."""
    if ":" not in location:
        raise InputError(f"location must be of the form type:target, got {location!r}")
    issues = validate_entity(_without_placeholders(entity))
    return [{"name": "InputError", "message": issue.message} for issue in issues]


def analyze_location(
    service: LocationService, session: Session, location_type: str, target: str
) -> dict[str, Any]:
    """The entity files a location holds, each with whether a registered source reads it."""
    service.check_allowed(location_type, target)
    outcome = service.processor.process(SourceSpec("analyze", "analyze", location_type, target), {})
    problems = outcome_messages(outcome)
    if problems and len(outcome.entities) <= 1:
        raise InputError("; ".join(problems))
    registered = SourceRepository(session).targets()
    files = []
    for entity in outcome.entities.values():
        if entity.parent_ref is None or entity.body is None or entity.failed:
            continue
        file_type, _, file_target = entity.location.partition(":")
        files.append(
            {
                "location": {"type": file_type, "target": file_target},
                "isRegistered": file_target in registered or target in registered,
                "entity": entity.body,
            }
        )
    return {"existingEntityFiles": files, "generateEntities": []}
