"""The string formats Backstage enforces on entity fields, as predicates plus their wording.

Rules follow Backstage's `KubernetesValidatorFunctions` and `CommonValidatorFunctions`.
Lengths are checked before the patterns so no pattern ever runs on a long input,
and patterns use `fullmatch` because `$` would accept a trailing newline.
"""

from __future__ import annotations

import re
from typing import Literal, TypeGuard
from urllib.parse import urlsplit

ENTITY_NAME_PATTERN = r"([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]"
NAMESPACE_PATTERN = r"[a-z0-9]+(-[a-z0-9]+)*"
TAG_PATTERN = r"[a-z0-9:+#]+(-[a-z0-9:+#]+)*"
KIND_PATTERN = r"[a-zA-Z][a-z0-9A-Z]*"

_ENTITY_NAME = re.compile(ENTITY_NAME_PATTERN)
_DNS_LABEL = re.compile(NAMESPACE_PATTERN)
_TAG = re.compile(TAG_PATTERN)
_KIND = re.compile(KIND_PATTERN)
_DNS_NAME = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*(\.[a-z0-9]+(-[a-z0-9]+)*)*")
_API_VERSION_SUFFIX = re.compile(r"[a-z0-9A-Z]+")

# How each format is described in "expected ..., but found ..." messages.
EXPECTED_ENTITY_NAME = "a string of 1-63 characters [a-zA-Z0-9] separated by [-_.]"
EXPECTED_NAMESPACE = "a string of 1-63 characters [a-z0-9] separated by single [-]"
EXPECTED_TAG = "a string of 1-63 characters [a-z0-9:+#] separated by single [-]"
EXPECTED_KIND = "a string of 1-63 characters [a-zA-Z0-9] starting with a letter"
EXPECTED_API_VERSION = (
    'a string "<group>/<version>" such as "backstage.io/v1alpha1", where <group> is a DNS '
    "name and <version> is 1-63 characters [a-zA-Z0-9]"
)
EXPECTED_KEY = (
    'a key "<name>" or "<prefix>/<name>", where <prefix> is a DNS name of at most 253 '
    "characters and <name> is 1-63 characters [a-zA-Z0-9] separated by [-_.]"
)

# Schemes whose links run code or carry content in the browser when clicked; the
# portal renders every link, so these are refused even though they are valid URLs.
UNSAFE_URL_SCHEMES = frozenset({"javascript", "data", "vbscript"})
# WHATWG "special" schemes: a URL with one of these has no meaning without a host.
_HOST_SCHEMES = frozenset({"http", "https", "ws", "wss", "ftp"})
_BAD_HOST = re.compile(r"[\s<>\"\\^`{|}]")
# The shape of nearly every link, accepted by one pattern instead of urlsplit:
# http(s), a host of plain labels, an optional port, then printable ASCII.
_PLAIN_WEB_URL = re.compile(r"https?://[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*(:[0-9]{1,4})?([/?#][!-~]*)?")
# What a browser removes before it parses a URL (the WHATWG URL standard): C0
# controls and spaces at both ends, and tabs and newlines anywhere. Done here
# rather than relying on urlsplit, which only learnt part of it in Python 3.11.4.
_C0_OR_SPACE = "".join(map(chr, range(0x21)))
_TAB_OR_NEWLINE = str.maketrans("", "", "\t\n\r")


def is_valid_entity_name(value: object) -> TypeGuard[str]:
    """`metadata.name`, link icons and the name part of label/annotation keys."""
    return isinstance(value, str) and 0 < len(value) <= 63 and bool(_ENTITY_NAME.fullmatch(value))


def is_valid_namespace(value: object) -> TypeGuard[str]:
    """A DNS label: `metadata.namespace` and each part of a DNS name."""
    return isinstance(value, str) and 0 < len(value) <= 63 and bool(_DNS_LABEL.fullmatch(value))


def is_valid_dns_subdomain(value: str) -> bool:
    """Dot-separated DNS labels, 1-253 characters: the prefix of keys and apiVersions."""
    if not (0 < len(value) <= 253 and _DNS_NAME.fullmatch(value)):
        return False
    # Labels are at most 63 characters; only a longer name can hold a longer label.
    return len(value) <= 63 or all(len(label) <= 63 for label in value.split("."))


def is_valid_tag(value: object) -> TypeGuard[str]:
    """An entry of `metadata.tags`."""
    return isinstance(value, str) and 0 < len(value) <= 63 and bool(_TAG.fullmatch(value))


def is_valid_kind(value: object) -> TypeGuard[str]:
    """The `kind` field (the letters only; whether the kind is known is a separate check)."""
    return isinstance(value, str) and 0 < len(value) <= 63 and bool(_KIND.fullmatch(value))


def is_valid_api_version(value: object) -> TypeGuard[str]:
    """`[<dns-name>/]<version>` (the format only; which versions a kind takes is separate)."""
    if not isinstance(value, str):
        return False
    prefix, slash, suffix = value.rpartition("/")
    if slash and ("/" in prefix or not is_valid_dns_subdomain(prefix)):
        return False
    return 0 < len(suffix) <= 63 and bool(_API_VERSION_SUFFIX.fullmatch(suffix))


def is_valid_key(value: object) -> TypeGuard[str]:
    """A label or annotation key: `<name>` or `<dns-name>/<name>`; two slashes are invalid."""
    if not isinstance(value, str):
        return False
    prefix, slash, name = value.rpartition("/")
    if slash and ("/" in prefix or not is_valid_dns_subdomain(prefix)):
        return False
    return is_valid_entity_name(name)


def is_valid_label_value(value: object) -> bool:
    """A label value: empty, or the entity-name format."""
    return value == "" or is_valid_entity_name(value)


def classify_url(value: str) -> Literal["valid", "invalid", "unsafe"]:
    """Whether a link URL is absolute and well-formed, and if so whether it is safe to render.

    It is read as a browser reads it, so `" JaVa\\tScript:..."` counts as `javascript:`.
    A URL needs a scheme, and a well-formed host where the scheme needs one.
    """
    if _PLAIN_WEB_URL.fullmatch(value):
        return "valid"
    try:
        parts = urlsplit(_as_browser_reads(value))
        if parts.scheme in _HOST_SCHEMES:
            parts.port  # noqa: B018 - raises ValueError on a malformed port
            host = parts.hostname
            if not host or _BAD_HOST.search(host):
                return "invalid"
    except ValueError:  # unbalanced IPv6 brackets, a bad port
        return "invalid"
    if not parts.scheme:
        return "invalid"
    return "unsafe" if parts.scheme in UNSAFE_URL_SCHEMES else "valid"


def _as_browser_reads(value: str) -> str:
    return value.strip(_C0_OR_SPACE).translate(_TAB_OR_NEWLINE)
