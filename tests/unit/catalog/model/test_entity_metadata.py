"""The metadata rules every kind shares: name, namespace, title, description, tags, labels,
annotations and links (including our refusal of script URLs)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from greenroom.catalog.model import ValidationIssue, validate_entity

EntityBuilder = Callable[..., dict[str, Any]]


def fields(issues: list[ValidationIssue]) -> list[str]:
    return [issue.field for issue in issues]


@pytest.mark.parametrize(
    "name", ["a", "a_b.c-D9", "CircleciBuildsDumpV2_avro_gcs", "9", "a" * 63, "x--y", "a..b"]
)
def test_valid_names(entity: EntityBuilder, name: str) -> None:
    assert validate_entity(entity(name=name)) == []


@pytest.mark.parametrize(
    "name",
    ["-a", "a-", "a..", ".a", "_a", "a b", "a" * 64, "", "a\n", "ä", "a/b", "a:b", 42, None, True],
)
def test_invalid_names(entity: EntityBuilder, name: object) -> None:
    assert fields(validate_entity(entity(name=name))) == ["metadata.name"]


def test_an_invalid_name_says_what_is_expected(entity: EntityBuilder) -> None:
    assert [i.message for i in validate_entity(entity(name="-bad-"))] == [
        '"metadata.name" is not valid; expected a string of 1-63 characters [a-zA-Z0-9] '
        'separated by [-_.], but found "-bad-"'
    ]


def test_a_missing_name_is_reported(entity: EntityBuilder) -> None:
    doc = entity()
    del doc["metadata"]["name"]
    assert [(i.field, i.message) for i in validate_entity(doc)] == [
        ("metadata.name", '"metadata.name" is missing; every entity needs a name')
    ]


@pytest.mark.parametrize("namespace", ["default", "ns1", "a-b", "payments-eu-1", "a" * 63])
def test_valid_namespaces(entity: EntityBuilder, namespace: str) -> None:
    assert validate_entity(entity(namespace=namespace)) == []


@pytest.mark.parametrize(
    "namespace", ["Default", "a_b", "a--b", "-a", "a-", "a.b", "a" * 64, "", None, 5]
)
def test_invalid_namespaces(entity: EntityBuilder, namespace: object) -> None:
    (issue,) = validate_entity(entity(namespace=namespace))
    assert issue.field == "metadata.namespace"
    assert issue.message.startswith(
        '"metadata.namespace" is not valid; expected a string of 1-63 characters [a-z0-9]'
    )


@pytest.mark.parametrize(("title", "ok"), [("Payments API", True), ("", False), (5, False)])
def test_a_title_is_a_non_empty_string(entity: EntityBuilder, title: object, ok: bool) -> None:
    assert fields(validate_entity(entity(title=title))) == ([] if ok else ["metadata.title"])


@pytest.mark.parametrize(
    ("description", "ok"), [("", True), ("Takes payments.", True), (5, False), (["a"], False)]
)
def test_a_description_is_a_string(entity: EntityBuilder, description: object, ok: bool) -> None:
    issues = validate_entity(entity(description=description))
    assert fields(issues) == ([] if ok else ["metadata.description"])


def test_other_metadata_fields_are_free(entity: EntityBuilder) -> None:
    assert validate_entity(entity(custom={"anything": [1, 2]}, uid="x", etag="y")) == []


@pytest.mark.parametrize("tag", ["java", "c++", "c#", "team:web", "a-b", "9", "a" * 63])
def test_valid_tags(entity: EntityBuilder, tag: str) -> None:
    assert validate_entity(entity(tags=[tag])) == []


@pytest.mark.parametrize(
    "tag", ["Java", "tier_gold", "a.b", "a--b", "-a", "a-", "", "a b", "a" * 64, 5, None]
)
def test_invalid_tags(entity: EntityBuilder, tag: object) -> None:
    (issue,) = validate_entity(entity(tags=[tag]))
    assert issue.field == "metadata.tags[0]"
    assert issue.message.startswith(
        '"metadata.tags[0]" is not valid; expected a string of 1-63 characters [a-z0-9:+#]'
    )


def test_each_bad_tag_is_reported_at_its_index(entity: EntityBuilder) -> None:
    issues = validate_entity(entity(tags=["ok", "Bad", "fine", "x y"]))
    assert [issue.path for issue in issues] == [("metadata", "tags", 1), ("metadata", "tags", 3)]


@pytest.mark.parametrize("tags", ["java", {"java": True}, None])
def test_tags_must_be_a_list(entity: EntityBuilder, tags: object) -> None:
    assert fields(validate_entity(entity(tags=tags))) == ["metadata.tags"]


@pytest.mark.parametrize(
    "key",
    [
        "tier",
        "example.com/tier",
        "a.b-c/d_e.F",
        "backstage.io/custom",
        ".".join(["a" * 63] * 3 + ["a" * 61]) + "/x",  # 253 characters
    ],
)
def test_valid_label_keys(entity: EntityBuilder, key: str) -> None:
    assert validate_entity(entity(labels={key: "v"})) == []


@pytest.mark.parametrize(
    "key",
    [
        "a/b/c",
        "Example.com/x",
        "-x",
        "example.com/",
        "/x",
        "a..b/x",
        "ex_ample.com/x",
        ".".join(["a" * 63] * 3 + ["a" * 62]) + "/x",  # 254 characters
        "a" * 64 + ".com/x",
        "tier name",
        "x" * 64,
        "",
    ],
)
def test_invalid_label_keys(entity: EntityBuilder, key: str) -> None:
    (issue,) = validate_entity(entity(labels={key: "v"}))
    assert issue.path == ("metadata", "labels", key)
    assert 'has a key that is not valid; expected a key "<name>" or "<prefix>/<name>"' in (
        issue.message
    )


@pytest.mark.parametrize("value", ["", "gold", "Gold_1.2"])
def test_valid_label_values(entity: EntityBuilder, value: str) -> None:
    assert validate_entity(entity(labels={"tier": value})) == []


@pytest.mark.parametrize("value", ["gold tier", "-x", "x" * 64, 5, True, None])
def test_invalid_label_values(entity: EntityBuilder, value: object) -> None:
    (issue,) = validate_entity(entity(labels={"tier": value}))
    assert issue.field == "metadata.labels.tier"
    assert issue.message.startswith('"metadata.labels.tier" is not valid; expected "" or a string')


@pytest.mark.parametrize("labels", [["tier"], "tier=gold", None])
def test_labels_must_be_an_object(entity: EntityBuilder, labels: object) -> None:
    assert fields(validate_entity(entity(labels=labels))) == ["metadata.labels"]


@pytest.mark.parametrize(
    "value", ["", "true", "url:https://example.com/x/", "any text: with {braces} and ünïcode"]
)
def test_annotation_values_may_be_any_string(entity: EntityBuilder, value: str) -> None:
    assert validate_entity(entity(annotations={"backstage.io/techdocs-ref": value})) == []


@pytest.mark.parametrize(("value", "shown"), [(True, "true"), (123, "123"), (None, "null")])
def test_annotation_values_must_be_strings(
    entity: EntityBuilder, value: object, shown: str
) -> None:
    issues = validate_entity(entity(annotations={"backstage.io/x": value}))
    assert [(i.path, i.field, i.message) for i in issues] == [
        (
            ("metadata", "annotations", "backstage.io/x"),
            'metadata.annotations["backstage.io/x"]',
            '"metadata.annotations["backstage.io/x"]" is not valid; expected a string '
            f"(in YAML, quote values such as 'true' or '123'), but found {shown}",
        )
    ]


@pytest.mark.parametrize("key", ["backstage.io/x/y", "Backstage.io/x", "backstage.io/-x"])
def test_annotation_keys_follow_the_key_rule(entity: EntityBuilder, key: str) -> None:
    issues = validate_entity(entity(annotations={key: "v"}))
    assert [i.path for i in issues] == [("metadata", "annotations", key)]


def test_annotations_must_be_an_object(entity: EntityBuilder) -> None:
    assert fields(validate_entity(entity(annotations=["a"]))) == ["metadata.annotations"]


@pytest.mark.parametrize(
    "link",
    [
        {"url": "https://example.com/dashboard"},
        {"url": "https://example.com", "title": "Dashboard", "icon": "dashboard", "type": "ops"},
        {"url": "http://localhost:7007/api/mcp/v1"},
        {"url": "https://[::1]:8443/x"},
        {"url": "https://grafana.example.com/d/abc?orgId=1&var-x=${a}#panel"},
        {"url": "mailto:team-a@example.com"},
        {"url": "slack://channel?team=T1&id=C1"},
        {"url": "file:///srv/docs/index.html"},
    ],
)
def test_valid_links(entity: EntityBuilder, link: dict[str, object]) -> None:
    assert validate_entity(entity(links=[link])) == []


@pytest.mark.parametrize(
    "url",
    [
        "/docs",
        "example.com",
        "http://",
        "https:///path",
        "https://exa mple.com",
        "http://host:port/",
        "http://[::1",
        "",
        5,
        None,
    ],
)
def test_a_link_url_must_be_an_absolute_url(entity: EntityBuilder, url: object) -> None:
    (issue,) = validate_entity(entity(links=[{"url": url}]))
    assert issue.field == "metadata.links[0].url"
    assert issue.message.startswith(
        '"metadata.links[0].url" is not valid; expected an absolute URL such as '
        '"https://example.com/", but found'
    )


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(document.cookie)",
        "JavaScript:alert(1)",
        " javascript:alert(1)",
        "\x00javascript:alert(1)",
        "java\tscript:alert(1)",
        "java\nscript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "DATA:text/html;base64,PHNjcmlwdD4=",
        "vbscript:msgbox(1)",
    ],
)
def test_script_urls_are_refused(entity: EntityBuilder, url: str) -> None:
    (issue,) = validate_entity(entity(links=[{"url": url, "title": "Click me"}]))
    assert issue.field == "metadata.links[0].url"
    assert issue.message.startswith(
        '"metadata.links[0].url" is not allowed; javascript:, data: and vbscript: links '
        "can run code in the browser of whoever clicks them"
    )


def test_a_link_needs_a_url(entity: EntityBuilder) -> None:
    issues = validate_entity(entity(links=[{"title": "Docs"}]))
    assert [(i.field, i.message) for i in issues] == [
        ("metadata.links[0].url", '"metadata.links[0].url" is missing; every link needs a url')
    ]


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"title": ""}, "metadata.links[0].title"),
        ({"title": "   "}, "metadata.links[0].title"),
        ({"title": 5}, "metadata.links[0].title"),
        ({"icon": "bad icon"}, "metadata.links[0].icon"),
        ({"icon": ""}, "metadata.links[0].icon"),
        ({"type": ""}, "metadata.links[0].type"),
        ({"type": 1}, "metadata.links[0].type"),
    ],
)
def test_link_title_icon_and_type_formats(
    entity: EntityBuilder, extra: dict[str, object], field: str
) -> None:
    issues = validate_entity(entity(links=[{"url": "https://example.com", **extra}]))
    assert fields(issues) == [field]


@pytest.mark.parametrize(
    ("links", "field"),
    [
        ("https://example.com", "metadata.links"),
        ({"url": "https://example.com"}, "metadata.links"),
        (["https://example.com"], "metadata.links[0]"),
    ],
)
def test_links_are_a_list_of_objects(entity: EntityBuilder, links: object, field: str) -> None:
    assert fields(validate_entity(entity(links=links))) == [field]


def test_each_bad_link_is_reported_at_its_index(entity: EntityBuilder) -> None:
    links = [
        {"url": "https://ok.example"},
        {"url": "javascript:alert(1)"},
        {"url": "https://ok.example", "icon": "-"},
    ]
    assert fields(validate_entity(entity(links=links))) == [
        "metadata.links[1].url",
        "metadata.links[2].icon",
    ]
