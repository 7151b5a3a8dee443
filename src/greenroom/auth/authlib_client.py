"""authlib's Starlette OAuth client, imported without its httpx2 notice.

authlib (1.9) warns on import, with a filter that forces the warning through,
that it will prefer the `httpx2` package; greenroom has one HTTP client, httpx,
which authlib still supports. The notice would otherwise be printed by every
`greenroom` command, since plugins load at start.
"""

from __future__ import annotations

import warnings

with warnings.catch_warnings():
    import authlib.deprecate  # type: ignore[import-untyped]  # noqa: F401 - its filter first

    warnings.filterwarnings("ignore", message="The httpx module is deprecated")
    from authlib.integrations.base_client.errors import (  # type: ignore[import-untyped]
        MismatchingStateError,
        OAuthError,
    )
    from authlib.integrations.starlette_client import OAuth  # type: ignore[import-untyped]

__all__ = ["MismatchingStateError", "OAuth", "OAuthError"]
