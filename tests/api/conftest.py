"""API tokens for the personas, made through the real service with a current second-factor
code, and a client that sends them."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from lers.accounts.mfa import totp_code
from lers.accounts.models import User
from lers.accounts.tokens import scopes_for, token_create
from tests.conftest import TOTP_SECRET


def token_for(user: User, scopes: list[str] | None = None, *, days: int | None = None) -> str:
    """A live token of ``user`` (all the scopes they may have unless told)."""
    made = token_create(
        user=user,
        name=f"test token of {user.username}",
        scopes=list(scopes_for(user)) if scopes is None else scopes,
        code=totp_code(TOTP_SECRET),
        days=days,
    )
    # The code is spent (allauth remembers it); the next token of this test may use it again.
    cache.clear()
    return made.secret


class Api:
    """A test client speaking to /api/v1 with a bearer token."""

    def __init__(self, token: str = "", **headers: str) -> None:
        self.client = Client()
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}
        self.headers.update(headers)

    def _call(self, method: str, path: str, **kwargs: Any) -> Any:
        headers = {**self.headers, **kwargs.pop("headers", {})}
        call = getattr(self.client, method)
        if "json" in kwargs:
            kwargs["data"] = kwargs.pop("json")
            kwargs["content_type"] = "application/json"
        return call(f"/api/v1{path}", headers=headers, **kwargs)

    def get(self, path: str, **kwargs: Any) -> Any:
        return self._call("get", path, **kwargs)

    def post(self, path: str, **kwargs: Any) -> Any:
        return self._call("post", path, **kwargs)

    def patch(self, path: str, **kwargs: Any) -> Any:
        return self._call("patch", path, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> Any:
        return self._call("delete", path, **kwargs)


@pytest.fixture
def api_a(officer_a) -> Api:
    return Api(token_for(officer_a))


@pytest.fixture
def api_b(officer_b) -> Api:
    return Api(token_for(officer_b))
