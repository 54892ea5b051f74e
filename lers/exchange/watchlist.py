"""Screening deposits against watched addresses (X-12): pure, fast, no database.

An address is compared in one canonical form (``watch_key``): EVM addresses in lower case (an
exchange may store them checksummed or not), every other chain's exactly as written (base58
and bech32 spellings are case-significant or canonical already). A deposit hits when its
sending or its receiving address is watched.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

_EVM = re.compile(r"0[xX][0-9a-fA-F]{40}")
SIDES = ("from_address", "to_address")
T = TypeVar("T")


def watch_key(address: str) -> str:
    address = address.strip()
    # A cheap test first: this runs twice per deposit screened.
    if len(address) == 42 and address[:2] in ("0x", "0X") and _EVM.fullmatch(address):
        return address.lower()
    return address


@dataclass(frozen=True)
class Hit(Generic[T]):
    deposit: Mapping[str, Any]
    side: str  # "from" or "to"
    watched: T


def screen(
    deposits: Iterable[Mapping[str, Any]], watched: Mapping[str, list[T]]
) -> Iterator[Hit[T]]:
    """Every (deposit, side, watched entry) where the deposit's address is watched."""
    for deposit in deposits:
        for side in SIDES:
            address = deposit.get(side)
            if not address:
                continue
            entries = watched.get(watch_key(str(address)))
            if entries:
                for entry in entries:
                    yield Hit(deposit=deposit, side=side.split("_")[0], watched=entry)
