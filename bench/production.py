"""Benchmark a production (issue 6): one account with 1M transfer rows.

Builds (or reuses) var/bench/production-1000000.sqlite3: the demo exchange's schema with one
account holding ROWS deposits (and a few other accounts, so the lookup is selective). Then, each
in its own process so that its peak memory is its own, in the same run:

- baseline: the same rows dumped to CSV through the database driver (sqlite3, csv.writer);
- lers: the whole package, exactly as the build job makes it (lers.productions.builder):
  CSV, JSON, the XLSX workbook, the PDF cover letter, the manifest, the AES-256 zip.

Target (issue 6): within 2x the dump's time, peak memory under 300 MB.

Usage:
  python bench/production.py                # 1,000,000 rows
  python bench/production.py --rows 200000  # a quicker look
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import hashlib
import json
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

UID = "90000001"
COLUMNS = ("uid", "chain", "asset", "amount", "txid", "from_address", "to_address", "memo")
TIME = "confirmed_at"


def database(rows: int) -> Path:
    path = REPO / "var" / "bench" / f"production-{rows}.sqlite3"
    if path.exists():
        return path
    import sqlalchemy as sa

    from lers.demo import exchange as demo

    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".partial")
    partial.unlink(missing_ok=True)
    engine = sa.create_engine(f"sqlite:///{partial}")
    demo.metadata.create_all(engine)
    t0 = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
    started = time.perf_counter()
    with engine.begin() as conn:
        conn.execute(
            demo.users.insert(),
            [
                {
                    "uid": uid,
                    "email": f"{uid}@example.org",
                    "phone": f"+4477009{uid[-5:]}",
                    "name": f"User {uid}",
                    "country": "GB",
                    "status": "active",
                    "created_at": t0,
                }
                for uid in (UID, "90000002", "90000003")
            ],
        )
        batch = []
        for i in range(rows + 20_000):
            owner = UID if i < rows else ("90000002" if i % 2 else "90000003")
            digest = hashlib.sha256(f"{i}".encode()).hexdigest()
            batch.append(
                {
                    "uid": owner,
                    "chain": "ETH",
                    "asset": "USDT" if i % 3 else "ETH",
                    "amount": f"{(i % 9973) + 0.25}",
                    "txid": "0x" + digest,
                    "from_address": "0x" + digest[:40],
                    "to_address": "0x" + digest[24:64],
                    "memo": None,
                    "confirmed_at": t0 + dt.timedelta(seconds=i * 7),
                }
            )
            if len(batch) == 50_000:
                conn.execute(demo.deposits.insert(), batch)
                batch = []
        if batch:
            conn.execute(demo.deposits.insert(), batch)
    engine.dispose()
    partial.rename(path)
    print(f"built {path.name}: {rows:,} rows in {time.perf_counter() - started:.0f} s")
    return path


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_baseline(path: Path, out: Path) -> dict[str, float]:
    started = time.perf_counter()
    conn = sqlite3.connect(path)
    cursor = conn.execute(
        f"SELECT {', '.join(COLUMNS)}, {TIME} FROM deposits WHERE uid = ? ORDER BY {TIME}", (UID,)
    )
    with (out / "dump.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow([*COLUMNS, "time"])
        writer.writerows(cursor)
    conn.close()
    return {"seconds": time.perf_counter() - started, "peak_mb": peak_mb()}


def run_lers(path: Path, out: Path) -> dict[str, float]:
    from lers.exchange.mapping import DEMO_MAPPING, load_mapping
    from lers.exchange.source import DataSource
    from lers.productions.builder import Scope, build_archive
    from lers.productions.cover import Letter

    started = time.perf_counter()
    stages: dict[str, float] = {}
    source = DataSource.from_url(f"sqlite:///{path}", load_mapping(DEMO_MAPPING))
    scope = Scope([UID], ["deposits"], None, None)
    now = dt.datetime.now(dt.UTC)

    def stage(name: str) -> None:
        stages[name] = time.perf_counter() - started

    built = build_archive(
        source,
        scope,
        out,
        letter=Letter(
            reference="BENCH-1",
            agency="Bench Agency",
            agency_case_number="B-1",
            officers=["Officer Bench"],
            exchange="Bench Exchange",
            subjects=[UID],
            categories=["deposits"],
            period="…",
            created_at=now,
            certificate="Bench certificate.",
            prepared_by="bench",
        ),
        about={"case": "BENCH-1"},
        passphrase="bench-passphrase-bench",
        stage=stage,
    )
    total = time.perf_counter() - started
    return {
        "seconds": total,
        "peak_mb": peak_mb(),
        "rows": built.rows,
        "archive_mb": built.bytes / 1e6,
        "records_s": stages.get("cover", total),
        "cover_s": stages.get("encrypting", total) - stages.get("cover", total),
        "encrypt_s": total - stages.get("encrypting", total),
    }


def child(kind: str, path: Path) -> dict[str, float]:
    """Runs one measurement in a fresh process (its own peak memory) and reads its figures."""
    result = subprocess.run(
        [sys.executable, __file__, "--child", kind, "--database", str(path)],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=2, help="best of N runs each")
    parser.add_argument("--child", choices=["baseline", "lers"])
    parser.add_argument("--database", type=Path)
    args = parser.parse_args()
    if args.child:
        with tempfile.TemporaryDirectory(prefix="lers-bench-") as work:
            run = run_baseline if args.child == "baseline" else run_lers
            print(json.dumps(run(args.database, Path(work))))
        return
    path = database(args.rows)
    baseline = min(
        (child("baseline", path) for _ in range(args.repeat)), key=lambda r: r["seconds"]
    )
    lers = min((child("lers", path) for _ in range(args.repeat)), key=lambda r: r["seconds"])
    ratio = lers["seconds"] / baseline["seconds"]
    print(f"one account, {int(lers['rows']):,} deposit rows (SQLite), best of {args.repeat}")
    for label, run in (
        ("baseline  CSV dump through sqlite3", baseline),
        ("lers      whole encrypted package ", lers),
    ):
        print(f"  {label}  {run['seconds']:7.2f} s   peak {run['peak_mb']:6.0f} MB")
    print(
        f"            records (CSV+JSON+XLSX) {lers['records_s']:.2f} s,"
        f" cover {lers['cover_s']:.2f} s, manifest+AES zip {lers['encrypt_s']:.2f} s;"
        f" archive {lers['archive_mb']:.0f} MB"
    )
    print(f"  ratio {ratio:.2f}x (target <= 2x); peak memory target < 300 MB")


if __name__ == "__main__":
    main()
