"""Benchmark name search (issue 17.1): lers's name index against the scan of the KYC table.

On the synthetic exchange (1M users by default; bench/resolution.py builds the same one),
on SQLite and on PostgreSQL (lers's own database and the exchange's on the same engine):
1. builds lers's name index from the exchange (``names_refresh``), timed;
2. draws a name set with ground truth from the exchange's KYC rows: each name as written,
   misspelt (one letter swapped, dropped or changed), reordered, in capitals without
   diacritics, with the given name as an initial, Chinese names in characters (Simplified
   and Traditional as the account holds them) and in pinyin syllables;
3. times 50 names through ``resolve(..., names=NameIndex())`` (what triage runs) and prints
   top-3 recall per kind of variant: a hit is the account, or another with the same KYC
   name, among the first three candidates (accounts that share a name cannot be told apart
   by it);
4. the baseline, in the same run: the same resolver without the index (one scan of the KYC
   table scoring every name of the request), on the first --baseline-names names.

Usage:
  python bench/names.py                       # 1M users, SQLite and PostgreSQL
  python bench/names.py --users 20000 --no-postgres
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
PG = "postgresql+psycopg://postgres@127.0.0.1:5432"


def _variants(rng: random.Random, full_name: str, local: str) -> list[tuple[str, str]]:
    """(kind, query) variants of one KYC name."""
    from lers.exchange.names import fold

    words = full_name.split()
    out = [("as written", full_name)]
    longest = max(range(len(words)), key=lambda i: len(words[i]))
    word = words[longest]
    if len(word) >= 4:
        i = rng.randrange(1, len(word) - 1)
        change = rng.choice(("swap", "drop", "replace"))
        if change == "swap":
            typo = word[: i - 1] + word[i] + word[i - 1] + word[i + 1 :]
        elif change == "drop":
            typo = word[:i] + word[i + 1 :]
        else:
            typo = word[:i] + rng.choice("aeiourstnl") + word[i + 1 :]
        out.append(("misspelt", " ".join([*words[:longest], typo, *words[longest + 1 :]])))
    if len(words) >= 2:
        out.append(("reordered", " ".join(reversed(words))))
    out.append(("capitals, no diacritics", fold(full_name).upper()))
    if len(words) >= 2:
        out.append(("initial", f"{words[0][0]}. {' '.join(words[1:])}"))
    if local:
        out.append(("characters", local))
        from pypinyin import lazy_pinyin

        out.append(("pinyin syllables", " ".join(s.capitalize() for s in lazy_pinyin(local))))
    return out


def name_set(source: Any, count: int, seed: int) -> list[tuple[str, str, str, tuple[str, str]]]:
    """(kind, query, uid, (full_name, local)) for ``count`` accounts drawn at random."""
    import sqlalchemy as sa

    rng = random.Random(seed)
    kyc = source._tables["kyc"]
    with source.engine.connect() as conn:
        low, high = conn.execute(sa.select(sa.func.min(kyc.c.uid), sa.func.max(kyc.c.uid))).one()
        rows = {}
        while len(rows) < count:
            probe = str(rng.randint(int(low), int(high))).rjust(len(str(high)), "0")
            row = conn.execute(
                sa.select(kyc.c.uid, kyc.c.full_name, kyc.c.full_name_local)
                .where(kyc.c.uid >= probe)
                .order_by(kyc.c.uid)
                .limit(1)
            ).first()
            if row is not None:
                rows[row.uid] = row
    out = []
    for row in rows.values():
        local = row.full_name_local or ""
        for kind, query in _variants(rng, row.full_name, local):
            out.append((kind, query, str(row.uid), (row.full_name, local)))
    rng.shuffle(out)
    return out


def run_backend(args: argparse.Namespace) -> None:
    """One engine: lers's database and the exchange's both on it (runs in its own process)."""
    import django

    django.setup()
    from django.core.management import call_command

    from lers.exchange.mapping import DEMO_MAPPING, load_mapping
    from lers.exchange.name_index import NameIndex, names_refresh
    from lers.exchange.resolution import Query, resolve
    from lers.exchange.source import DataSource

    call_command("migrate", verbosity=0)
    source = DataSource.from_url(os.environ["EXCHANGE_DATABASE_URL"], load_mapping(DEMO_MAPPING))
    label = args.backend
    started = time.perf_counter()
    run = names_refresh(source, digest=f"bench-{args.users}")
    build_s = time.perf_counter() - started
    print(
        f"{label:10} index: {run.accounts:,} accounts under {run.names:,} names, "
        f"refresh {build_s:.1f} s ({run.added:,} added)"
    )
    started = time.perf_counter()
    again = names_refresh(source, digest=f"bench-{args.users}")
    print(
        f"{'':10} refresh with nothing changed: {time.perf_counter() - started:.1f} s "
        f"({again.changed} renamed, {again.removed} removed)"
    )

    cases = name_set(source, args.accounts, args.seed)
    finder = NameIndex()
    queries = [Query("name", query) for _kind, query, _uid, _names in cases]
    # warm, then time 50 names at a time, as one request would carry them
    resolve(source, queries[:5], names=finder)
    batches = [queries[i : i + 50] for i in range(0, len(queries), 50)]
    times = []
    results = {}
    for batch in batches:
        started = time.perf_counter()
        found = resolve(source, batch, names=finder).matches
        times.append(time.perf_counter() - started)
        results.update(found)
    full = [t for t, b in zip(times, batches, strict=True) if len(b) == 50]
    per_50 = sorted(full)[len(full) // 2] if full else times[0] * 50 / len(batches[0])

    hits: dict[str, list[bool]] = defaultdict(list)
    names_of = {}
    for _kind, _query, uid, names in cases:
        names_of[uid] = names
    live = {}
    uids = sorted({m.uid for ms in results.values() for m in ms})
    for row in source.rows_where_in(
        "kyc", "uid", uids, fields=("uid", "full_name", "full_name_local")
    ):
        live[str(row["uid"])] = (row["full_name"], row.get("full_name_local") or "")
    for kind, query, uid, names in cases:
        top = results[Query("name", query)][:3]
        hits[kind].append(any(m.uid == uid or live.get(m.uid, ("",))[0] == names[0] for m in top))
    total = [h for v in hits.values() for h in v]
    print(
        f"{'':10} {len(queries)} names: index median {per_50 * 1000:.0f} ms per 50 names; "
        f"top-3 recall {sum(total) / len(total):.1%}"
    )
    for kind in sorted(hits):
        values = hits[kind]
        print(
            f"{'':12} {kind:26} {sum(values):4}/{len(values):<4} {sum(values) / len(values):6.1%}"
        )

    sample = queries[: args.baseline_names]
    started = time.perf_counter()
    resolve(source, sample, names=None)
    scan_s = time.perf_counter() - started
    index_s = min(_timed(lambda: resolve(source, sample, names=finder)) for _ in range(3))
    print(
        f"{'':10} baseline, same {len(sample)} names: scan of the KYC table {scan_s:.2f} s, "
        f"index {index_s * 1000:.0f} ms ({scan_s / index_s:,.0f}x)"
    )


def _timed(call: Callable[[], object]) -> float:
    started = time.perf_counter()
    call()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--users", type=int, default=1_000_000)
    parser.add_argument("--transfers-per-user", type=int, default=10)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--accounts", type=int, default=200, help="accounts the names come from")
    parser.add_argument("--baseline-names", type=int, default=5)
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--no-sqlite", action="store_true")
    parser.add_argument("--backend", choices=["sqlite", "postgresql"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.backend:
        run_backend(args)
        return

    from bench.resolution import build, ensure_databases

    bench = REPO / "var" / "bench"
    bench.mkdir(parents=True, exist_ok=True)
    exchange_sqlite = f"sqlite:///{bench / f'exchange-{args.users}.sqlite3'}"
    backends = {
        "sqlite": {
            "EXCHANGE_DATABASE_URL": exchange_sqlite,
            "DATABASE_URL": f"sqlite:///{bench / f'lers-names-{args.users}.sqlite3'}",
        }
    }
    if not args.no_postgres:
        ensure_databases(PG, f"lers_bench_exchange_{args.users}", f"lers_bench_names_{args.users}")
        backends["postgresql"] = {
            "EXCHANGE_DATABASE_URL": f"{PG}/lers_bench_exchange_{args.users}",
            "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/lers_bench_names_{args.users}",
        }
    print(f"exchange: {args.users:,} users, {args.transfers_per_user} transfers per user")
    for env in backends.values():
        build(env["EXCHANGE_DATABASE_URL"], args.users, args.transfers_per_user, args.seed)
    print("\nname search (target: 50 names < 1 s, top-3 recall >= 95%)")
    if args.no_sqlite:
        backends.pop("sqlite")
    for backend, env in backends.items():
        command = [sys.executable, __file__, "--backend", backend]
        command += ["--users", str(args.users), "--seed", str(args.seed)]
        command += ["--accounts", str(args.accounts)]
        command += ["--baseline-names", str(args.baseline_names)]
        subprocess.run(
            command,
            check=True,
            env={**os.environ, **env, "DJANGO_SETTINGS_MODULE": "lers.settings"},
        )


if __name__ == "__main__":
    main()
