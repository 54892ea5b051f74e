"""The deployment's exchange data source, as chosen by EXCHANGE_DATABASE_URL and
EXCHANGE_MAPPING (one engine per process, with its connection pool)."""

from __future__ import annotations

from functools import lru_cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from lers.exchange.mapping import MappingError, load_mapping
from lers.exchange.source import DataSource


def active_source() -> DataSource:
    return _source(settings.LERS_EXCHANGE_DATABASE_URL, settings.LERS_EXCHANGE_MAPPING)


@lru_cache(maxsize=4)
def _source(url: str, mapping_path: str) -> DataSource:
    try:
        mapping = load_mapping(mapping_path)
    except MappingError as exc:
        raise ImproperlyConfigured(f"EXCHANGE_MAPPING: {exc}") from None
    return DataSource.from_url(url, mapping)
