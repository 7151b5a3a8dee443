"""The rules for an entity's `metadata` block, shared by every kind.

These are Backstage's `FieldFormatEntityPolicy` and EntityMeta schema rules,
plus one of ours: links with a `javascript:`, `data:` or `vbscript:` URL are
refused, because the portal renders every link for people to click.
"""

from __future__ import annotations

from greenroom.catalog.model.fields import is_list, is_object
from greenroom.catalog.model.formats import (
    EXPECTED_ENTITY_NAME,
    EXPECTED_KEY,
    EXPECTED_NAMESPACE,
    EXPECTED_TAG,
    classify_url,
    is_valid_entity_name,
    is_valid_key,
    is_valid_label_value,
    is_valid_namespace,
    is_valid_tag,
)
from greenroom.catalog.model.issues import (
    ValidationIssue,
    describe,
    invalid,
    missing,
    render_path,
)

_ABSENT = object()


def check_metadata(metadata: object, issues: list[ValidationIssue]) -> None:
    """Append an issue to `issues` for every broken metadata rule."""
    if not is_object(metadata):
        issues.append(invalid(("metadata",), "an object with at least a name", metadata))
        return
    name = metadata.get("name", _ABSENT)
    if name is _ABSENT:
        issues.append(missing(("metadata", "name"), "every entity needs a name"))
    elif not is_valid_entity_name(name):
        issues.append(invalid(("metadata", "name"), EXPECTED_ENTITY_NAME, name))
    namespace = metadata.get("namespace", _ABSENT)
    if namespace is not _ABSENT and not is_valid_namespace(namespace):
        issues.append(invalid(("metadata", "namespace"), EXPECTED_NAMESPACE, namespace))
    title = metadata.get("title", _ABSENT)
    if title is not _ABSENT and not (isinstance(title, str) and title):
        issues.append(invalid(("metadata", "title"), "a non-empty string", title))
    description = metadata.get("description", _ABSENT)
    if description is not _ABSENT and not isinstance(description, str):
        issues.append(invalid(("metadata", "description"), "a string", description))
    # Most entities have none of the following, so look before calling.
    if "labels" in metadata:
        _check_labels(metadata["labels"], issues)
    if "annotations" in metadata:
        _check_annotations(metadata["annotations"], issues)
    if "tags" in metadata:
        _check_tags(metadata["tags"], issues)
    if "links" in metadata:
        _check_links(metadata["links"], issues)


def _check_labels(labels: object, issues: list[ValidationIssue]) -> None:
    if not is_object(labels):
        issues.append(invalid(("metadata", "labels"), "an object of key: value pairs", labels))
        return
    for key, value in labels.items():
        path = ("metadata", "labels", str(key))
        if not is_valid_key(key):
            issues.append(_invalid_key(path, key))
        if not is_valid_label_value(value):
            issues.append(invalid(path, f'"" or {EXPECTED_ENTITY_NAME}', value))


def _check_annotations(annotations: object, issues: list[ValidationIssue]) -> None:
    if not is_object(annotations):
        issues.append(
            invalid(("metadata", "annotations"), "an object of key: value pairs", annotations)
        )
        return
    for key, value in annotations.items():
        if not is_valid_key(key):
            issues.append(_invalid_key(("metadata", "annotations", str(key)), key))
        if not isinstance(value, str):
            issues.append(
                invalid(
                    ("metadata", "annotations", str(key)),
                    "a string (in YAML, quote values such as 'true' or '123')",
                    value,
                )
            )


def _check_tags(tags: object, issues: list[ValidationIssue]) -> None:
    if not is_list(tags):
        issues.append(invalid(("metadata", "tags"), "a list of tags", tags))
        return
    for index, tag in enumerate(tags):
        if not is_valid_tag(tag):
            issues.append(invalid(("metadata", "tags", index), EXPECTED_TAG, tag))


def _check_links(links: object, issues: list[ValidationIssue]) -> None:
    if not is_list(links):
        issues.append(invalid(("metadata", "links"), "a list of links", links))
        return
    for index, link in enumerate(links):
        if not is_object(link):
            issues.append(invalid(("metadata", "links", index), "an object with a url", link))
            continue
        _check_link_url(link.get("url", _ABSENT), ("metadata", "links", index, "url"), issues)
        title = link.get("title", _ABSENT)
        if title is not _ABSENT and not (isinstance(title, str) and title.strip()):
            issues.append(
                invalid(("metadata", "links", index, "title"), "a non-blank string", title)
            )
        icon = link.get("icon", _ABSENT)
        if icon is not _ABSENT and not is_valid_entity_name(icon):
            issues.append(
                invalid(
                    ("metadata", "links", index, "icon"),
                    f"an icon name, {EXPECTED_ENTITY_NAME}",
                    icon,
                )
            )
        kind = link.get("type", _ABSENT)
        if kind is not _ABSENT and not (isinstance(kind, str) and kind):
            issues.append(invalid(("metadata", "links", index, "type"), "a non-empty string", kind))


def _check_link_url(
    url: object, path: tuple[str, str, int, str], issues: list[ValidationIssue]
) -> None:
    if url is _ABSENT:
        issues.append(missing(path, "every link needs a url"))
        return
    verdict = classify_url(url) if isinstance(url, str) else "invalid"
    if verdict == "invalid":
        issues.append(invalid(path, 'an absolute URL such as "https://example.com/"', url))
    elif verdict == "unsafe":
        issues.append(
            ValidationIssue(
                path,
                f'"{render_path(path)}" is not allowed; javascript:, data: and vbscript: links '
                "can run code in the browser of whoever clicks them, so use an http(s) or "
                f"other link, but found {describe(url)}",
            )
        )


def _invalid_key(path: tuple[str, str, str], key: object) -> ValidationIssue:
    return ValidationIssue(
        path,
        f'"{render_path(path)}" has a key that is not valid; expected {EXPECTED_KEY}, '
        f"but found {describe(key)}",
    )
