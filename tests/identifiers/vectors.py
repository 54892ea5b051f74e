"""Loading the address vectors: the shared corpus when present, and the copy carried in tests."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

CORPORA = Path(__file__).resolve().parents[3] / "shared" / "corpora"
VECTORS = CORPORA / "vectors"
OFAC = CORPORA / "ofac"
CARRIED = Path(__file__).resolve().parent / "data" / "vectors.json"

NETWORKS = {"main": "mainnet", "testnet4": "testnet", "signet": "testnet", "regtest": "regtest"}
OTHER_CHAINS = {
    "litecoin": "LTC",
    "dogecoin": "DOGE",
    "solana": "SOL",
    "ton": "TON",
    "monero": "XMR",
}


def load(name: str) -> Any:
    return json.loads((VECTORS / name).read_text(encoding="utf-8"))


def shared_present() -> bool:
    return VECTORS.is_dir()
