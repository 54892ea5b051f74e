"""The deployment's actions adapter, as EXCHANGE_ACTIONS chooses (one per process)."""

from __future__ import annotations

from functools import lru_cache

import sqlalchemy as sa
from django.conf import settings

from lers.exchange.actions import ActionsAdapter, WebhookAdapter


def active_adapter() -> ActionsAdapter:
    return _adapter(
        settings.LERS_EXCHANGE_ACTIONS,
        settings.LERS_EXCHANGE_DATABASE_URL,
        settings.LERS_EXCHANGE_WEBHOOK_URL,
        settings.LERS_EXCHANGE_WEBHOOK_SECRET,
        settings.LERS_EXCHANGE_WEBHOOK_TIMEOUT,
    )


@lru_cache(maxsize=4)
def _adapter(kind: str, database_url: str, url: str, secret: str, timeout: int) -> ActionsAdapter:
    if kind == "webhook":
        return WebhookAdapter(url, secret, timeout=timeout)
    from lers.demo.exchange.actions import DemoActions

    return DemoActions(sa.create_engine(database_url))
