"""Loading the generated rows into the target database, and the entry points."""

from __future__ import annotations

import itertools
import multiprocessing
import os
import time
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from lers.demo.exchange.generator import COLUMNS, TRANSFER_TABLES, Rows, _generate, _Spec
from lers.demo.exchange.schema import SCHEMA_VERSION, meta, metadata

# Users generated and written per batch (a multiple of _BLOCK; the rows do not depend on it).
CHUNK_USERS = 4096
# Batches per transaction: few transactions, none holding the whole load.
_COMMIT_EVERY = 16

Progress = Callable[[str], None]


class ExchangeBuildError(RuntimeError):
    """The target database holds tables of the same names that lers demo did not build."""


@dataclass(frozen=True)
class ExchangeSummary:
    """What a build made (or found already made): row counts per table, and its time."""

    url: str
    users: int
    addresses: int
    created: bool
    transfers: int = 0
    seconds: float = 0.0
    rows: dict[str, int] = field(default_factory=dict)


# --- Loading --------------------------------------------------------------------------------------

TABLES = {table.name: table for table in metadata.sorted_tables}


class _Loader:
    """Writes generated rows through SQLAlchemy Core: any database SQLAlchemy speaks."""

    style = "core"

    def __init__(self, conn: sa.Connection) -> None:
        self.conn = conn

    def write(self, name: str, rows: list[tuple[Any, ...]]) -> None:
        if rows:
            columns = COLUMNS[name]
            params = [dict(zip(columns, row, strict=True)) for row in rows]
            self.conn.execute(TABLES[name].insert(), params)


class _SqliteLoader(_Loader):
    """executemany of rows already in SQLAlchemy's SQLite storage form: the same bytes as the
    Core path, without its per-value processing."""

    style = "sqlite"

    def write(self, name: str, rows: list[tuple[Any, ...]]) -> None:
        if rows:
            columns = COLUMNS[name]
            marks = ", ".join("?" * len(columns))
            sql = f"INSERT INTO {name} ({', '.join(columns)}) VALUES ({marks})"
            self.conn.exec_driver_sql(sql, rows)


class _PostgresLoader(_Loader):
    """COPY ... FROM STDIN through psycopg, of rows rendered as PostgreSQL's text input."""

    style = "postgresql"

    def write(self, name: str, rows: list[tuple[Any, ...]]) -> None:
        if not rows:
            return
        quote = self.conn.dialect.identifier_preparer.quote
        columns = ", ".join(quote(column) for column in COLUMNS[name])
        raw = self.conn.connection.driver_connection
        assert raw is not None
        with (
            raw.cursor() as cursor,
            cursor.copy(f"COPY {quote(name)} ({columns}) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row(row)


def _loader_class(engine: sa.Engine, bulk: bool) -> type[_Loader]:
    if bulk and engine.dialect.name == "sqlite":
        return _SqliteLoader
    if bulk and engine.dialect.name == "postgresql" and engine.dialect.driver == "psycopg":
        return _PostgresLoader
    return _Loader


def _workers(requested: int | None, batches: int) -> int:
    if batches < 2 or "fork" not in multiprocessing.get_all_start_methods():
        return 1
    return max(1, requested if requested is not None else os.cpu_count() or 1)


def _batches(spec: _Spec, workers: int | None) -> Iterator[tuple[int, Rows]]:
    """(users done, rows) per batch, in order; generated in worker processes when there are
    several batches, while this process writes (a few batches ahead, no more: memory)."""
    bounds = [
        (first, min(first + CHUNK_USERS, spec.users)) for first in range(0, spec.users, CHUNK_USERS)
    ]
    processes = _workers(workers, len(bounds))
    if processes == 1:
        for first, last in bounds:
            yield last, _generate(spec, first, last)
        return
    pool = ProcessPoolExecutor(processes, mp_context=multiprocessing.get_context("fork"))
    try:
        queue = iter(bounds)
        pending: deque[tuple[int, Future[Rows]]] = deque(
            (last, pool.submit(_generate, spec, first, last))
            for first, last in itertools.islice(queue, processes * 2)
        )
        while pending:
            done, future = pending.popleft()
            rows = future.result()
            for first, last in itertools.islice(queue, 1):
                pending.append((last, pool.submit(_generate, spec, first, last)))
            yield done, rows
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _tune(conn: sa.Connection, *, scratch: bool) -> list[str]:
    """Settings for the bulk load only; returns the statements that put them back."""
    restore: list[str] = []
    if conn.dialect.name == "sqlite":
        journal = conn.exec_driver_sql("PRAGMA journal_mode").scalar()
        synchronous = conn.exec_driver_sql("PRAGMA synchronous").scalar()
        restore = [f"PRAGMA journal_mode={journal}", f"PRAGMA synchronous={synchronous}"]
        # No fsync while loading, and no journal at all in a scratch file (thrown away if the
        # build fails); a file shared with other tables keeps its journal, so they stay safe.
        if scratch:
            conn.exec_driver_sql("PRAGMA journal_mode=OFF")
        conn.exec_driver_sql("PRAGMA synchronous=OFF")
        conn.exec_driver_sql("PRAGMA temp_store=MEMORY")
        conn.exec_driver_sql("PRAGMA cache_size=-1048576")  # 1 GiB, for the index builds
        conn.exec_driver_sql("PRAGMA threads=2")  # sorter threads for CREATE INDEX
    elif conn.dialect.name == "postgresql":
        conn.exec_driver_sql("SET synchronous_commit = off")
        conn.exec_driver_sql("SET maintenance_work_mem = '512MB'")
    conn.commit()
    return restore


def _load(
    conn: sa.Connection, loader: _Loader, spec: _Spec, say: Progress, workers: int | None
) -> dict[str, int]:
    counts = dict.fromkeys(COLUMNS, 0)
    started = reported = time.perf_counter()
    transaction = conn.begin()
    try:
        for number, (done, rows) in enumerate(_batches(spec, workers), 1):
            for name in COLUMNS:  # users before the rows that refer to them
                loader.write(name, rows[name])
                counts[name] += len(rows[name])
            if number % _COMMIT_EVERY == 0:
                transaction.commit()
                transaction = conn.begin()
            now = time.perf_counter()
            if now - reported >= 5 or done == spec.users:
                reported = now
                transfers = sum(counts[name] for name in TRANSFER_TABLES)
                say(
                    f"  {done:,}/{spec.users:,} users, {transfers:,} transfers "
                    f"({now - started:.0f} s)"
                )
        transaction.commit()
    except BaseException:
        transaction.rollback()
        raise
    return counts


def _index(conn: sa.Connection, say: Progress) -> None:
    """Secondary indexes, built once over the loaded tables (faster than maintaining them row
    by row during the load)."""
    for table in metadata.sorted_tables:
        for index in sorted(table.indexes, key=lambda index: str(index.name)):
            started = time.perf_counter()
            with conn.begin():
                index.create(conn)
            say(f"  index {index.name} ({time.perf_counter() - started:.0f} s)")


def _analyze(conn: sa.Connection) -> None:
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql("PRAGMA analysis_limit=1000")  # sample, do not scan everything
    if conn.dialect.name in ("sqlite", "postgresql"):
        conn.exec_driver_sql("ANALYZE")
    conn.commit()


def _build(
    url: str | sa.URL,
    spec: _Spec,
    *,
    fingerprint: str,
    say: Progress,
    workers: int | None,
    bulk: bool,
    scratch: bool,
) -> dict[str, str]:
    """Drops and recreates the exchange's tables, loads them, indexes them; returns what it
    recorded in lers_demo_meta (written last: a build without it is incomplete)."""
    engine = sa.create_engine(url)
    try:
        loader_class = _loader_class(engine, bulk)
        spec = _Spec(spec.users, spec.seed, spec.transfers_per_user, loader_class.style)
        with engine.connect() as conn:
            restore = _tune(conn, scratch=scratch)
            try:
                with conn.begin():
                    metadata.drop_all(conn)
                    for table in metadata.sorted_tables:
                        conn.execute(sa.schema.CreateTable(table))  # indexes come after the load
                counts = _load(conn, loader_class(conn), spec, say, workers)
                say("Indexing")
                _index(conn, say)
                built = {"build": fingerprint} | {f"rows.{k}": str(v) for k, v in counts.items()}
                with conn.begin():
                    conn.execute(meta.insert(), [{"key": k, "value": v} for k, v in built.items()])
                _analyze(conn)
            finally:
                for statement in restore:
                    conn.exec_driver_sql(statement)
                conn.commit()
        return built
    finally:
        engine.dispose()


# --- The entry points -----------------------------------------------------------------------------


def _quiet(message: str) -> None:
    pass


def _fingerprint(users_count: int, seed: int, transfers_per_user: int) -> str:
    return (
        f"schema={SCHEMA_VERSION};users={users_count};seed={seed};"
        f"transfers_per_user={transfers_per_user}"
    )


def _sqlite_path(url: sa.URL) -> Path | None:
    database = url.database
    if url.get_backend_name() != "sqlite" or not database or database == ":memory:":
        return None
    if database.startswith("file:"):
        return None
    return Path(database)


def _existing(engine: sa.Engine) -> tuple[set[str], dict[str, str]]:
    """The database's table names, and what the last completed build recorded."""
    with engine.connect() as conn:
        names = set(sa.inspect(conn).get_table_names())
        if meta.name not in names:
            return names, {}
        return names, {
            key: value for key, value in conn.execute(sa.select(meta.c.key, meta.c.value))
        }


def build_demo_exchange(
    url: str,
    *,
    users_count: int,
    seed: int,
    transfers_per_user: int = 10,
    progress: Progress | None = None,
    workers: int | None = None,
    bulk: bool = True,
) -> ExchangeSummary:
    """Creates the demo exchange at ``url``, or keeps it when it was already built with the
    same size, seed and generator version (anything else is rebuilt from scratch).

    ``workers`` processes generate rows (default: one per CPU) while this one writes; ``bulk``
    False writes through SQLAlchemy Core only (slower; any database)."""
    if users_count < 0 or transfers_per_user < 0:
        raise ValueError("users_count and transfers_per_user cannot be negative")
    started = time.perf_counter()
    say = progress or _quiet
    fingerprint = _fingerprint(users_count, seed, transfers_per_user)
    engine = sa.create_engine(url)
    try:
        file = _sqlite_path(engine.url)
        if file is not None:
            file.parent.mkdir(parents=True, exist_ok=True)
        names, built = _existing(engine)
    finally:
        engine.dispose()
    if built.get("build") == fingerprint:
        return _summary(url, built, created=False, seconds=time.perf_counter() - started)
    if names & (set(TABLES) - {meta.name}) and meta.name not in names:
        raise ExchangeBuildError(
            f"{engine.url!r} has tables named like the demo exchange's that lers demo did not "
            "build; refusing to replace them"
        )
    spec = _Spec(users_count, seed, transfers_per_user)
    say(f"Building the demo exchange: {users_count:,} users, seed {seed}")

    def build(target: str | sa.URL, *, scratch: bool) -> dict[str, str]:
        return _build(
            target,
            spec,
            fingerprint=fingerprint,
            say=say,
            workers=workers,
            bulk=bulk,
            scratch=scratch,
        )

    if file is None or not names <= set(TABLES):
        built = build(url, scratch=False)
    else:
        # Built beside the file, then moved over it: a reader sees the old exchange or the new
        # one, never half of either, and an interrupted build leaves the old one intact.
        scratch = file.with_name(file.name + ".building")
        scratch.unlink(missing_ok=True)
        try:
            built = build(engine.url.set(database=str(scratch)), scratch=True)
            for suffix in ("-wal", "-shm", "-journal"):
                Path(f"{file}{suffix}").unlink(missing_ok=True)  # the old file's, now stale
            scratch.replace(file)
        finally:
            scratch.unlink(missing_ok=True)
    return _summary(url, built, created=True, seconds=time.perf_counter() - started)


def _summary(url: str, built: dict[str, str], *, created: bool, seconds: float) -> ExchangeSummary:
    rows = {name: int(built.get(f"rows.{name}", 0)) for name in COLUMNS}
    return ExchangeSummary(
        url,
        rows["users"],
        rows["deposit_addresses"],
        created,
        transfers=sum(rows[name] for name in TRANSFER_TABLES),
        seconds=seconds,
        rows=rows,
    )


def exchange_size(url: str) -> int | None:
    """Bytes the exchange takes on disk: the SQLite file, or PostgreSQL's pg_database_size."""
    engine = sa.create_engine(url)
    try:
        file = _sqlite_path(engine.url)
        if file is not None:
            return sum(p.stat().st_size for p in (file, Path(f"{file}-wal")) if p.exists())
        if engine.dialect.name == "postgresql":
            with engine.connect() as conn:
                size = conn.execute(sa.text("SELECT pg_database_size(current_database())"))
                return int(size.scalar_one())
        return None
    finally:
        engine.dispose()
