"""Benchmark a whole request through triage (issue 17.2), on the 1M-user synthetic exchange.

A 50-identifier letter — user IDs behind their labels, emails, phones, deposit addresses with
their networks, TXIDs after English and Chinese labels, 15 identifiers the exchange does not
hold — plus 5 KYC names, goes through what lers runs for it, each step timed, through the
services the portal and the workbench call:
  extract + validate   the officer pastes the letter: ``target_candidates``
  add targets          the officer confirms them, and types the 5 names
  completeness         the policy's checklist of the request
  submit + triage      submission, and an analyst starting triage
  resolution           ``case_resolve_targets``: every identifier looked up in the exchange
The baseline, in the same run: the same resolution with names found by a scan of the KYC
table (lers before its name index), timed on the same queries.

lers's database is a demo deployment (``demo_seed`` over the same exchange) with its name index
built, kept in var/bench/ (SQLite) and lers_bench_triage_<users> (PostgreSQL) for the next run.

Usage:
  python bench/triage.py                      # 1M users, SQLite and PostgreSQL
  python bench/triage.py --users 20000 --no-postgres
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
PG = "postgresql+psycopg://postgres@127.0.0.1:5432"


def letter(source: Any, seed: int) -> tuple[str, list[str]]:
    """A letter naming 45 identifiers (30 the exchange holds, 15 it does not), and 5 names."""
    import sqlalchemy as sa

    from lers.demo import exchange as demo
    from lers.identifiers.chains import eip55

    rng = random.Random(seed)
    engine = source.engine

    def rows(table: Any, key: Any, count: int) -> list[Any]:
        with engine.connect() as conn:
            low, high = conn.execute(sa.select(sa.func.min(key), sa.func.max(key))).one()
            picked = {}
            while len(picked) < count:
                if isinstance(low, int):
                    probe = rng.randint(low, high)
                else:
                    probe = str(rng.randint(int(low), int(high))).rjust(len(str(high)), "0")
                row = conn.execute(sa.select(table).where(key >= probe).order_by(key).limit(1))
                found = row.first()
                if found is not None:
                    picked[found._mapping[key.name]] = found
            return list(picked.values())

    users = rows(demo.users, demo.users.c.uid, 15)
    kyc = rows(demo.kyc, demo.kyc.c.uid, 5)
    addresses = [
        r
        for r in rows(demo.deposit_addresses, demo.deposit_addresses.c.id, 60)
        if r.chain in ("ETH", "TRX", "BTC")
    ][:10]
    assert len(addresses) == 10, "too few ETH, TRX and BTC deposit addresses drawn"
    deposits = rows(demo.deposits, demo.deposits.c.id, 5)
    labels = ["UID", "用户ID：", "User ID:", "Ju UID", "UID:"]
    lines = [
        "To the Compliance Department,",
        "Case No. 2026-HK-004211. We request the records of the following accounts, which "
        "received the proceeds of an investment fraud between January and October 2026.",
        "",
    ]
    for label, user in zip(labels, users[:5], strict=True):
        lines.append(f"Suspect account {label} {user.uid}, registered on the platform.")
    for user in users[5:10]:
        lines.append(f"Registered email: {user.email}")
    for user in users[10:15]:
        lines.append(f"电话号码：{user.phone}")
    networks = {"ETH": "ERC20", "TRX": "TRC20", "BTC": "Bitcoin"}
    for row in addresses:
        label = rng.choice(["充值地址", "Deposit address", "钱包地址"])
        lines.append(f"{label} ({networks[row.chain]}): {row.address}")
    for row in deposits:
        label = rng.choice(["交易哈希", "TXID", "Transaction hash"])
        lines.append(f"{label}：{row.txid}")
    lines.append("")
    lines.append("The following were also used by the suspects (not necessarily at your platform):")
    for _ in range(5):
        lines.append(f"ERC20: {eip55(rng.randbytes(20).hex())}")
    for _ in range(5):
        lines.append(f"TXID: {rng.randbytes(32).hex()}")
    for i in range(5):
        lines.append(f"email: unknown.suspect{i}.{rng.randint(1000, 9999)}@example.net")
    lines.append("")
    lines.append("Yours faithfully, Detective Inspector Chan, Cyber Security and Technology Crime")
    names = [row.full_name_local or row.full_name for row in kyc]
    return "\n".join(lines), names


def run_backend(args: argparse.Namespace) -> None:
    import django

    django.setup()
    from django.core.management import call_command

    from lers.accounts.models import User
    from lers.cases import services
    from lers.cases.services.resolution import _query
    from lers.cases.services.targets import Confirmed
    from lers.demo.services import complete_request, demo_seed
    from lers.exchange.active import active_digest, active_name_finder, active_source
    from lers.exchange.name_index import index_ready, names_refresh
    from lers.exchange.resolution import resolve

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    demo_seed(password="bench-pass-2026", exchange_users=args.users, seed=args.seed)
    source = active_source()
    if index_ready(active_digest()) is None:
        names_refresh(source, digest=active_digest())
    print(f"{args.backend:10} deployment ready in {time.perf_counter() - started:.1f} s")

    text, names = letter(source, args.seed + 1)
    officer = User.objects.get(username=settings_officer())
    analyst = User.objects.get(username="analyst")
    steps: dict[str, float] = {}

    def timed(step: str, call: Callable[[], Any]) -> Any:
        begun = time.perf_counter()
        result = call()
        steps[step] = time.perf_counter() - begun
        return result

    case = services.case_create(
        officer_user=officer, request_types=["information"], urgency="standard", title="Bench"
    )
    complete_request(case, officer.officer)
    for target in case.targets.all():  # the demo's default targets: this letter names its own
        services.target_remove(target=target, by=officer)
    candidates = timed(
        "extract + validate", lambda: services.target_candidates(case=case, text=text)
    )

    def add() -> None:
        services.targets_confirm(
            case=case,
            by=officer,
            items=[
                Confirmed(kind=c.kind, value=c.value, chain=c.chain, memo=c.memo)
                for c in candidates
                if c.valid
            ],
        )
        for name in names:
            services.target_add(case=case, by=officer, kind="name", value=name)

    timed("add targets", add)
    timed("completeness", lambda: services.case_checklist(case))

    def submit() -> Any:
        submitted = services.case_submit(case=case, by=officer, accept_incomplete=True)
        return services.case_start_triage(case=submitted, by=analyst)

    triaged = timed("submit + triage", submit)
    counts = timed("resolution", lambda: services.case_resolve_targets(case=triaged, by=analyst))
    kinds: dict[str, int] = {}
    for c in candidates:
        kinds[c.kind] = kinds.get(c.kind, 0) + 1
    found = sum(1 for n in counts.values() if n)
    total = sum(steps.values())
    print(
        f"{'':10} letter: {len(candidates)} identifiers found "
        f"({', '.join(f'{n} {k}' for k, n in sorted(kinds.items()))}) + {len(names)} names; "
        f"{found} of {len(counts)} resolved to accounts"
    )
    for step, seconds in steps.items():
        print(f"{'':12} {step:20} {seconds * 1000:8.0f} ms")
    print(f"{'':12} {'total':20} {total * 1000:8.0f} ms   (target < 5 s)")

    queries = [q for q in (_query(t) for t in triaged.targets.all()) if q is not None]
    finder = active_name_finder()
    begun = time.perf_counter()
    resolve(source, queries, names=finder)
    indexed_s = time.perf_counter() - begun
    begun = time.perf_counter()
    resolve(source, queries, names=None)
    scan_s = time.perf_counter() - begun
    print(
        f"{'':10} baseline, the same {len(queries)} lookups: names by scan of the KYC table "
        f"{scan_s:.2f} s, by the index {indexed_s:.2f} s"
    )


def settings_officer() -> str:
    """The first demo officer (the demo's agencies are the same under every profile)."""
    from lers.agencies.models import Officer

    officer = Officer.objects.filter(status=Officer.Status.ACTIVE).order_by("pk").first()
    assert officer is not None, "the demo has no active officer"
    return officer.user.username


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--users", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=7)
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
    run_id = str(args.users)  # kept for the next run: the name index is built once
    backends = {
        "sqlite": {
            "EXCHANGE_DATABASE_URL": f"sqlite:///{bench / f'exchange-{args.users}.sqlite3'}",
            "DATABASE_URL": f"sqlite:///{bench / f'lers-triage-{run_id}.sqlite3'}",
        }
    }
    if not args.no_postgres:
        ensure_databases(PG, f"lers_bench_exchange_{args.users}", f"lers_bench_triage_{run_id}")
        backends["postgresql"] = {
            "EXCHANGE_DATABASE_URL": f"{PG}/lers_bench_exchange_{args.users}",
            "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/lers_bench_triage_{run_id}",
        }
    for env in backends.values():
        build(env["EXCHANGE_DATABASE_URL"], args.users, 10, args.seed)
    print(f"\ntriage of one request on {args.users:,} users")
    if args.no_sqlite:
        backends.pop("sqlite")
    for backend, env in backends.items():
        command = [sys.executable, __file__, "--backend", backend]
        command += ["--users", str(args.users), "--seed", str(args.seed)]
        environment = {**os.environ, **env, "DJANGO_SETTINGS_MODULE": "lers.settings"}
        environment["LERS_DATA_DIR"] = str(bench / f"data-{run_id}")
        subprocess.run(command, check=True, env=environment)


if __name__ == "__main__":
    main()
