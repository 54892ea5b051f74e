"""The deployment's exchange data source, as chosen by EXCHANGE_DATABASE_URL and
EXCHANGE_MAPPING (one engine per process, with its connection pool), and the name index of it."""

from __future__ import annotations

from functools import lru_cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from lers.exchange.mapping import MappingError, load_mapping
from lers.exchange.name_index import NameIndex, index_ready, source_digest
from lers.exchange.resolution import NameFinder
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


def active_digest() -> str:
    """The active exchange, as the name index records which one it was built from."""
    return source_digest(settings.LERS_EXCHANGE_DATABASE_URL, settings.LERS_EXCHANGE_MAPPING)


def active_name_finder() -> NameFinder | None:
    """lers's name index when it holds the active exchange's names; None (names are then
    found by one scan of the KYC table) before its first refresh."""
    return NameIndex() if index_ready(active_digest()) is not None else None
