"""Request and response bodies of the sign-in API."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from greenroom.auth.models import AccessTokenRow


class WhoAmI(BaseModel):
    userEntityRef: str  # noqa: N815 - Backstage's identity field name
    ownershipEntityRefs: list[str]  # noqa: N815
    source: str
    displayName: str  # noqa: N815
    scopes: list[str] | None = None


class TokenCreateRequest(BaseModel):
    name: str = Field(min_length=1, max_length=200, description="What the token is for")
    scopes: list[str] = Field(default_factory=lambda: ["*"], max_length=50)
    expires_in_days: int = Field(90, ge=1, le=366)
    user_ref: str | None = Field(
        None, description="A service token for this user (admins only); yourself when absent"
    )


class TokenInfo(BaseModel):
    id: str
    kind: str
    name: str
    user_ref: str
    scopes: list[str]
    prefix: str
    created_by: str
    created_at: datetime
    expires_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None

    @classmethod
    def of(cls, row: AccessTokenRow) -> TokenInfo:
        return cls.model_validate(row, from_attributes=True)


class TokenCreated(TokenInfo):
    token: str = Field(description="The token itself; shown this once and never again")
