"""Static assets, cached for a year when asked for by their content-hashed URL."""

from __future__ import annotations

from starlette.responses import Response
from starlette.staticfiles import StaticFiles
from starlette.types import Scope


class VersionedStaticFiles(StaticFiles):
    async def get_response(self, path: str, scope: Scope) -> Response:
        response = await super().get_response(path, scope)
        if response.status_code == 200 and b"v=" in scope.get("query_string", b""):
            # `static_url()` puts the content hash in the URL: a new file is a new URL.
            response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
        return response
