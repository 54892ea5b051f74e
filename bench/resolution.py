"""Benchmark subject resolution (issue 5): lers.exchange.resolve against raw indexed SQL.

Builds (or reuses) the synthetic exchange at the size the issue names (1M users, 10M
transfers), samples a deterministic mix of 1,000 identifiers that exist in it (user IDs,
emails in another letter case, phones, deposit addresses with their memo where shared, deposit
and withdrawal TXIDs) plus some that do not, and times, on SQLite and on PostgreSQL, in the
same run:
- lers: ``resolve(source, queries)`` through the mapping, evidence and all;
- baseline: the same lookups as hand-written SQL on the same indexes, batched the same way,
  through the same driver, returning only the account ids.
Each is timed best of --repeat runs on a warm cache. Fuzzy names are a full scan by design
and are timed separately (they are not part of the 1,000).

Usage:
  python bench/resolution.py                      # 1M users, SQLite and PostgreSQL
  python bench/resolution.py --users 20000 --no-postgres
Builds go to var/bench/ (SQLite) and to a database lers_bench_exchange_<users> on
127.0.0.1:5432 (PostgreSQL); both are kept for the next run.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path

import sqlalchemy as sa

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from lers.demo import exchange as demo  # noqa: E402
from lers.exchange.mapping import DEMO_MAPPING, load_mapping  # noqa: E402
from lers.exchange.resolution import Query, resolve  # noqa: E402
from lers.exchange.source import BATCH, DataSource  # noqa: E402

MIX = {"uid": 200, "email": 200, "phone": 150, "address": 200, "txid": 200, "miss": 50}


def ensure_databases(server: str, *names: str) -> None:
    """Create the PostgreSQL databases that do not exist yet (kept for the next run)."""
    admin = sa.create_engine(f"{server}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        for name in names:
            exists = conn.execute(
                sa.text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}
            ).first()
            if not exists:
                conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    admin.dispose()


def build(url: str, users: int, transfers: int, seed: int) -> None:
    started = time.perf_counter()
    summary = demo.build_demo_exchange(
        url, users_count=users, seed=seed, transfers_per_user=transfers, progress=print
    )
    state = "built" if summary.created else "reused"
    print(f"  {state} {url.split('@')[-1]} in {time.perf_counter() - started:.1f} s")


def _pick_rows(
    conn: sa.Connection, table: sa.Table, key: sa.Column, count: int, rng: random.Random
) -> list[sa.Row]:
    """``count`` distinct rows spread over the table, found through its primary key."""
    low, high = conn.execute(sa.select(sa.func.min(key), sa.func.max(key))).one()
    rows: dict[object, sa.Row] = {}
    numeric = isinstance(low, int)
    while len(rows) < count:
        if numeric:
            probe: object = rng.randint(low, high)
        else:
            width = len(str(high))
            probe = str(rng.randint(int(low), int(high))).rjust(width, "0")
        row = conn.execute(sa.select(table).where(key >= probe).order_by(key).limit(1)).first()
        if row is not None:
            rows[row._mapping[key.name]] = row
    return list(rows.values())


def sample(engine: sa.Engine, seed: int) -> list[Query]:
    rng = random.Random(seed)
    queries: list[Query] = []
    with engine.connect() as conn:
        for row in _pick_rows(conn, demo.users, demo.users.c.uid, MIX["uid"], rng):
            queries.append(Query("uid", row.uid))
        for row in _pick_rows(conn, demo.users, demo.users.c.uid, MIX["email"], rng):
            queries.append(Query("email", row.email.upper().casefold()))
        for row in _pick_rows(conn, demo.users, demo.users.c.uid, MIX["phone"], rng):
            queries.append(Query("phone", row.phone))
        table = demo.deposit_addresses
        for row in _pick_rows(conn, table, table.c.id, MIX["address"], rng):
            queries.append(Query("address", row.address, chain=row.chain, memo=row.memo or ""))
        half = MIX["txid"] // 2
        for table in (demo.deposits, demo.withdrawals):
            for row in _pick_rows(conn, table, table.c.id, half, rng):
                queries.append(Query("txid", row.txid, chain=row.chain))
    for index in range(MIX["miss"]):
        queries.append(Query("txid", f"{index:064x}"))
    rng.shuffle(queries)
    return queries


def raw_sql(engine: sa.Engine, queries: list[Query]) -> int:
    """The baseline: the same lookups, hand-written, batched like lers, ids only."""
    by_kind: dict[str, list[str]] = {}
    memos: list[str] = []
    for query in queries:
        kind = "address_memo" if query.kind == "address" and query.memo else query.kind
        by_kind.setdefault(kind, []).append(query.value)
        if query.memo:
            memos.append(query.memo)
    statements = {
        "uid": "SELECT uid FROM users WHERE uid IN ({})",
        "email": "SELECT uid FROM users WHERE lower(email) IN ({})",
        "phone": "SELECT uid FROM users WHERE phone IN ({})",
        "address": "SELECT uid, memo FROM deposit_addresses WHERE address IN ({})",
        "address_memo": "SELECT uid, memo FROM deposit_addresses WHERE address IN ({}) "
        "AND (memo IS NULL OR memo IN ({}))",
        "txid": "SELECT uid FROM deposits WHERE txid IN ({})",
        "txid_out": "SELECT uid FROM withdrawals WHERE txid IN ({})",
    }
    by_kind["txid_out"] = by_kind.get("txid", [])
    found = 0
    with engine.connect() as conn:
        for kind, values in by_kind.items():
            for start in range(0, len(values), BATCH):
                chunk = values[start : start + BATCH]
                names = [f"v{i}" for i in range(len(chunk))]
                params = dict(zip(names, chunk, strict=True))
                placeholders = [", ".join(f":{n}" for n in names)]
                if kind == "address_memo":
                    wanted = sorted(set(memos))
                    params.update({f"m{i}": memo for i, memo in enumerate(wanted)})
                    placeholders.append(", ".join(f":m{i}" for i in range(len(wanted))))
                sql = statements[kind].format(*placeholders)
                found += len(conn.execute(sa.text(sql), params).all())
    return found


def best_of(repeat: int, run: Callable[[], object]) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = run()
        times.append(time.perf_counter() - started)
    return min(times), result


def measure(label: str, url: str, args: argparse.Namespace) -> None:
    engine = sa.create_engine(url)
    source = DataSource(engine, load_mapping(DEMO_MAPPING))
    queries = sample(engine, args.seed)
    best_of(1, lambda: resolve(source, queries))  # warm the cache for both
    lers_s, result = best_of(args.repeat, lambda: resolve(source, queries))
    raw_s, raw_rows = best_of(args.repeat, lambda: raw_sql(engine, queries))
    matches = result.matches  # type: ignore[attr-defined]
    hits = sum(1 for found in matches.values() if found)
    print(
        f"{label:10} {len(queries):6} lookups  lers {lers_s * 1000:8.1f} ms   "
        f"raw SQL {raw_s * 1000:8.1f} ms   ratio {lers_s / raw_s:5.2f}x   "
        f"found {hits}/{len(queries)} (raw rows {raw_rows})"
    )
    names = [Query("name", n) for n in ("王伟", "Chloe Muller", "Wang Wei", "Okafor Dmitri")]
    name_s, _ = best_of(1, lambda: resolve(source, names))
    print(f"{'':10} {len(names):6} names    full scan of the KYC table: {name_s:.2f} s")
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--users", type=int, default=1_000_000)
    parser.add_argument("--transfers-per-user", type=int, default=10)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--postgres-server", default="postgresql+psycopg://postgres@127.0.0.1:5432")
    args = parser.parse_args()

    targets: list[tuple[str, str]] = []
    sqlite_path = REPO / "var" / "bench" / f"exchange-{args.users}.sqlite3"
    sqlite_path.parent.mkdir(parents=True, exist_ok=True)
    targets.append(("SQLite", f"sqlite:///{sqlite_path}"))
    if not args.no_postgres:
        name = f"lers_bench_exchange_{args.users}"
        ensure_databases(args.postgres_server, name)
        targets.append(("PostgreSQL", f"{args.postgres_server}/{name}"))

    print(f"exchange: {args.users:,} users, {args.transfers_per_user} transfers per user")
    for _label, url in targets:
        build(url, args.users, args.transfers_per_user, args.seed)
    print(f"\nresolution, best of {args.repeat} (target: within 1.5x of raw SQL, under 1 s)")
    for label, url in targets:
        measure(label, url, args)


if __name__ == "__main__":
    main()
