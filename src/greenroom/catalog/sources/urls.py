"""Small URL facts every reader needs: schemes, `file://` paths and hiding credentials.

Location targets may carry `user:token@` (people paste clone URLs); those must never
reach an error message, a log line or an annotation a user sees.
"""

from __future__ import annotations

import re
from urllib.parse import quote, unquote, urlsplit, urlunsplit

_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
_USERINFO = re.compile(r"(?<=://)[^/@\s]*@")

# Characters RFC 3986 allows unescaped in a path or fragment, so canonical
# locations stay readable (`@`, `+`, `:` are common in file names and refs).
_PATH_SAFE = "/!$&'()*+,;=:@~"


def has_scheme(target: str) -> bool:
    """True for `https://…`, `file:…` and other absolute URLs (a Windows drive is not one)."""
    return bool(_SCHEME.match(target)) and not re.match(r"^[A-Za-z]:[\\/]", target)


def scheme_of(target: str) -> str:
    """The lowercase scheme of an absolute URL, or `""`."""
    return target.split(":", 1)[0].lower() if has_scheme(target) else ""


def redact(text: str) -> str:
    """`text` with every `user:password@` of a URL in it removed."""
    return _USERINFO.sub("", text)


def strip_userinfo(url: str) -> str:
    """The URL without its `user:password@` part (for identities and annotations)."""
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url
    return urlunsplit(parts._replace(netloc=parts.netloc.rsplit("@", 1)[1]))


def quote_path(path: str) -> str:
    """Percent-encode a path or fragment part (`#`, `?`, `%`, spaces) for a canonical URL."""
    return quote(path, safe=_PATH_SAFE)


def file_url(path: str) -> str:
    """`file://` URL of an absolute local path."""
    return "file://" + quote_path(path)


def file_url_path(url: str) -> str:
    """The local path of a `file://` URL (only the empty or `localhost` host is accepted)."""
    parts = urlsplit(url)
    if parts.netloc not in ("", "localhost"):
        raise ValueError("file URLs with a host are not supported")
    return unquote(parts.path)
