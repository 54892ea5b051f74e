"""Benchmark watchlist screening (issue 5): deposits screened per second, 100,000 addresses.

Reads the synthetic exchange's deposits through the data source (building a 100k-user exchange
under var/bench/ if none is there; pass --users 1000000 to reuse bench/resolution.py's) and
screens them against a watchlist of 100,000 addresses: 1,000 real sending addresses of the
exchange's deposits (so there are hits) and 99,000 others of the same shapes. Printed in the
same run:
- read only: streaming the deposits, nothing else (the floor screening cannot beat);
- read + screen: the same stream through lers.exchange.watchlist.screen;
- screen only: the deposits already in memory, to show screening's own cost.

Usage:
  python bench/screening.py                 # 100k users (1M deposits and withdrawals)
  python bench/screening.py --users 1000000
"""

from __future__ import annotations

import argparse
import hashlib
import random
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import sqlalchemy as sa

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from lers.demo import exchange as demo  # noqa: E402
from lers.exchange.mapping import DEMO_MAPPING, load_mapping  # noqa: E402
from lers.exchange.source import DataSource  # noqa: E402
from lers.exchange.watchlist import screen, watch_key  # noqa: E402

FIELDS = ("uid", "chain", "asset", "amount", "txid", "from_address", "to_address", "time")
WATCHED = 100_000
REAL = 1_000


def watchlist(engine: sa.Engine, seed: int) -> dict[str, list[int]]:
    rng = random.Random(seed)
    with engine.connect() as conn:
        senders = [
            row[0]
            for row in conn.execute(
                sa.select(demo.deposits.c.from_address)
                .where(demo.deposits.c.from_address.is_not(None))
                .distinct()
                .limit(REAL * 20)
            )
        ]
    watched = {
        watch_key(a): [i] for i, a in enumerate(rng.sample(senders, min(REAL, len(senders))))
    }
    while len(watched) < WATCHED:  # others of the same shapes, never seen by the exchange
        digest = hashlib.sha256(f"{seed}-{len(watched)}".encode()).hexdigest()
        address = "0x" + digest[:40] if len(watched) % 2 else "T" + digest[:33]
        watched[watch_key(address)] = [len(watched)]
    return watched


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--users", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    path = REPO / "var" / "bench" / f"exchange-{args.users}.sqlite3"
    path.parent.mkdir(parents=True, exist_ok=True)
    url = f"sqlite:///{path}"
    summary = demo.build_demo_exchange(url, users_count=args.users, seed=args.seed)
    print(f"exchange: {summary.users:,} users ({'built' if summary.created else 'reused'})")
    engine = sa.create_engine(url)
    source = DataSource(engine, load_mapping(DEMO_MAPPING))
    watched = watchlist(engine, args.seed)
    print(f"watchlist: {len(watched):,} addresses")

    def stream() -> Iterator[dict[str, Any]]:
        for chunk in source.scan("deposits", FIELDS):
            yield from chunk

    started = time.perf_counter()
    count = sum(1 for _ in stream())
    read_s = time.perf_counter() - started

    started = time.perf_counter()
    hits = sum(1 for _ in screen(stream(), watched))
    both_s = time.perf_counter() - started

    deposits = list(stream())
    started = time.perf_counter()
    again = sum(1 for _ in screen(deposits, watched))
    screen_s = time.perf_counter() - started
    assert again == hits

    print(f"{count:,} deposits, {hits:,} hits")
    print(f"  read only        {count / read_s:12,.0f} deposits/s   ({read_s:.2f} s)")
    print(f"  read + screen    {count / both_s:12,.0f} deposits/s   ({both_s:.2f} s)")
    print(f"  screen only      {count / screen_s:12,.0f} deposits/s   ({screen_s:.2f} s)")


if __name__ == "__main__":
    main()
