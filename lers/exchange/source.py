"""Read-only access to the exchange's records through its mapping (SQLAlchemy Core).

Every read selects only mapped columns, labelled with lers's field names, in batches (one
statement per kind of lookup, not one per identifier). Nothing here writes: lers changes the
exchange only through the actions port.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

import sqlalchemy as sa

from lers.exchange.mapping import Mapping, Record

Row = dict[str, Any]
# SQL engines bound how many parameters one statement takes (SQLite: 32766); stay well under.
BATCH = 500


class DataSource:
    def __init__(self, engine: sa.Engine, mapping: Mapping) -> None:
        self.engine = engine
        self.mapping = mapping
        self._tables = {name: _table(record) for name, record in mapping.records.items()}

    @classmethod
    def from_url(cls, url: str, mapping: Mapping) -> DataSource:
        return cls(sa.create_engine(url), mapping)

    def has(self, record: str, field: str | None = None) -> bool:
        return self.mapping.has(record, field)

    def column(self, record: str, field: str) -> sa.ColumnClause[Any]:
        return self._tables[record].c[self.mapping.records[record].columns[field]]

    def _select(self, record: str, fields: Iterable[str] | None = None) -> sa.Select[Any]:
        mapped = self.mapping.records[record].columns
        names = [f for f in dict.fromkeys(fields or mapped) if f in mapped]
        return sa.select(*(self.column(record, f).label(f) for f in names))

    def rows_where_in(
        self,
        record: str,
        field: str,
        values: Sequence[Any],
        *,
        casefold: bool = False,
        fields: Iterable[str] | None = None,
        narrow: tuple[str, Sequence[Any]] | None = None,
    ) -> list[Row]:
        """Rows of ``record`` whose ``field`` is one of ``values`` (case-folded on both sides
        when ``casefold``: the exchange may store emails as typed). ``narrow`` = (field,
        values) keeps only rows whose field is one of those values or empty: an address
        shared by thousands of accounts is read for the memos asked about, not in full."""
        if not values or not self.has(record, field):
            return []
        column: Any = self.column(record, field)
        if casefold:
            column = sa.func.lower(column)
        base = self._select(record, fields)
        if narrow is not None and self.has(record, narrow[0]):
            other = self.column(record, narrow[0])
            base = base.where(sa.or_(other.in_(list(narrow[1])), other.is_(None)))
        rows: list[Row] = []
        with self.engine.connect() as conn:
            for start in range(0, len(values), BATCH):
                chunk = list(values[start : start + BATCH])
                result = conn.execute(base.where(column.in_(chunk)))
                keys = list(result.keys())
                rows.extend(dict(zip(keys, row, strict=True)) for row in result)
        return rows

    def fields(self, record: str) -> list[str]:
        """The fields of ``record`` this exchange maps, in the mapping's order."""
        return list(self.mapping.records[record].columns)

    def scan(
        self,
        record: str,
        fields: Iterable[str],
        *,
        chunk_rows: int = 50_000,
        since: dt.datetime | None = None,
    ) -> Iterator[list[Row]]:
        """Every row of ``record`` (the given fields; with ``since``, those whose time is at or
        after it), in chunks, streamed from the server."""
        statement = self._select(record, fields)
        if since is not None and self.has(record, "time"):
            statement = statement.where(self.column(record, "time") >= self._moment(since))
        yield from self._stream(statement, chunk_rows)

    def count(self, record: str) -> int:
        """How many rows ``record`` has (for a progress bar over a scan)."""
        statement = sa.select(sa.func.count()).select_from(self._tables[record])
        with self.engine.connect() as conn:
            return int(conn.execute(statement).scalar() or 0)

    def count_of_accounts(
        self,
        record: str,
        uids: Sequence[str],
        *,
        start: dt.datetime | None = None,
        end: dt.datetime | None = None,
    ) -> int:
        """How many rows ``rows_of_accounts`` will stream (for a progress bar)."""
        if not uids or not self.has(record):
            return 0
        statement = self._of_accounts(record, uids, start, end, ordered=False)
        with self.engine.connect() as conn:
            return int(
                conn.execute(sa.select(sa.func.count()).select_from(statement.subquery())).scalar()
                or 0
            )

    def _of_accounts(
        self,
        record: str,
        uids: Sequence[str],
        start: dt.datetime | None,
        end: dt.datetime | None,
        *,
        ordered: bool,
    ) -> sa.Select[Any]:
        owners = [f for f in ("uid", "from_uid", "to_uid") if self.has(record, f)]
        if not owners:  # without an owner field, no row can be tied to an account: read none
            raise ValueError(f"record {record!r} maps no uid, from_uid or to_uid field")
        statement = self._select(record).where(
            sa.or_(*(self.column(record, f).in_(list(uids)) for f in owners))
        )
        if self.has(record, "time"):
            time = self.column(record, "time")
            if start is not None:
                statement = statement.where(time >= self._moment(start))
            if end is not None:
                statement = statement.where(time <= self._moment(end))
            if ordered:
                statement = statement.order_by(time)
        return statement

    def rows_of_accounts(
        self,
        record: str,
        uids: Sequence[str],
        *,
        start: dt.datetime | None = None,
        end: dt.datetime | None = None,
        chunk_rows: int = 10_000,
        iso_times: bool = False,
    ) -> Iterator[list[Row]]:
        """Every mapped field of ``record``'s rows that belong to ``uids`` (either side of an
        internal transfer), within [start, end] when the record has a time: exactly what a
        preservation or a production may read, streamed. Times come as aware UTC datetimes,
        or with ``iso_times`` as ISO 8601 UTC text, ready to be written out (JU-18)."""
        if not uids or not self.has(record):
            return
        statement = self._of_accounts(record, uids, start, end, ordered=True)
        times = [f for f in self.fields(record) if f == "time" or f.endswith("_at")]
        sqlite = self.engine.dialect.name == "sqlite"
        if not times or not (sqlite or iso_times):
            yield from self._stream(statement, chunk_rows)
            return
        convert = _sqlite_time(iso_times) if sqlite else _iso_time
        for chunk in self._stream(statement, chunk_rows):
            for row in chunk:
                for name in times:
                    value = row.get(name)
                    if value:
                        row[name] = convert(value)
            yield chunk

    def values_of_accounts(
        self,
        record: str,
        uids: Sequence[str],
        fields: Sequence[str],
        *,
        start: dt.datetime | None = None,
        end: dt.datetime | None = None,
        chunk_rows: int = 10_000,
    ) -> Iterator[list[Any]]:
        """The rows of ``rows_of_accounts`` as text, ready to be written: sequences of the given
        fields' values, "" for none, times as ISO 8601 UTC. Only those fields are read (a
        withheld field never leaves the database), the database turns values into text, and
        no row becomes a dict (a production writes millions)."""
        if not uids or not self.has(record):
            return
        mapped = self.mapping.records[record].columns
        names = [f for f in fields if f in mapped]
        sqlite = self.engine.dialect.name == "sqlite"
        late: list[int] = []  # times the database cannot be trusted to write in UTC
        columns = []
        for index, name in enumerate(names):
            column = self.column(record, name)
            if _is_time(name) and sqlite:
                # lers keeps SQLite times as naive UTC text: "2026-03-01 09:00:00.000000"
                text = sa.func.replace(column, " ", "T") + "+00:00"
                columns.append(sa.func.coalesce(text, "").label(name))
            elif _is_time(name):
                late.append(index)
                columns.append(column.label(name))
            elif sqlite:
                # No CAST: SQLite would print a REAL with 15 digits; Python writes it exactly.
                columns.append(sa.func.coalesce(column, "").label(name))
            else:
                columns.append(sa.func.coalesce(sa.cast(column, sa.Text), "").label(name))
        statement = self._of_accounts(record, uids, start, end, ordered=True).with_only_columns(
            *columns
        )
        if sqlite:
            # The driver's own tuples, without Row objects; the few values that are not text
            # yet (numbers) are written by Python, column by column.
            for rows in self._driver_rows(statement, chunk_rows):
                yield _as_text(rows)
            return
        with self.engine.connect() as conn:
            if self.engine.dialect.name == "postgresql":
                # Every timestamptz the server turns into text is then written in UTC (JU-18).
                conn.exec_driver_sql("SET TIME ZONE 'UTC'")
            result = conn.execution_options(stream_results=True, yield_per=chunk_rows).execute(
                statement
            )
            for partition in result.partitions(chunk_rows):
                rows = [list(row) for row in partition]
                for i in late:
                    for row in rows:
                        value = row[i]
                        row[i] = "" if value is None else str(_iso_time(value))
                yield rows

    def _driver_rows(self, statement: sa.Select[Any], chunk_rows: int) -> Iterator[list[Any]]:
        """Rows as the DB-API driver returns them (tuples), for a statement of plain values."""
        compiled = statement.compile(
            dialect=self.engine.dialect, compile_kwargs={"render_postcompile": True}
        )
        params = compiled.construct_params()
        ordered = [params[name] for name in compiled.positiontup or []]
        raw = self.engine.raw_connection()
        try:
            cursor = raw.cursor()
            cursor.execute(str(compiled), ordered)
            while rows := cursor.fetchmany(chunk_rows):
                yield list(rows)
            cursor.close()
        finally:
            raw.close()

    def _moment(self, value: dt.datetime) -> Any:
        """A time as this database compares it: SQLite keeps naive UTC text."""
        if self.engine.dialect.name == "sqlite":
            if value.tzinfo is not None:
                value = value.astimezone(dt.UTC).replace(tzinfo=None)
            return value.strftime("%Y-%m-%d %H:%M:%S.%f")
        return value

    def _stream(self, statement: sa.Select[Any], chunk_rows: int) -> Iterator[list[Row]]:
        with self.engine.connect() as conn:
            result = conn.execution_options(stream_results=True, yield_per=chunk_rows).execute(
                statement
            )
            keys = list(result.keys())
            for partition in result.partitions(chunk_rows):
                yield [dict(zip(keys, row, strict=True)) for row in partition]


def _as_text(rows: list[Any]) -> list[Any]:
    """Rows whose every value is text: columns holding anything else are converted (a float
    by its shortest exact form), the others are left as the driver gave them."""
    if not rows:
        return rows
    columns = list(zip(*rows, strict=True))
    changed = False
    for i, column in enumerate(columns):
        kinds = set(map(type, column))
        if kinds == {str}:
            continue
        changed = True
        if kinds == {float}:  # the usual case (amounts as REAL): repr is exact and in C
            columns[i] = tuple(map(repr, column))
        elif kinds == {int}:
            columns[i] = tuple(map(str, column))
        else:
            columns[i] = tuple(v if type(v) is str else text_of(v) for v in column)
    return list(zip(*columns, strict=True)) if changed else rows


def text_of(value: Any) -> str:
    """One value as lers writes it out: "" for none, times in ISO 8601 UTC (JU-18), a float
    by its shortest exact form."""
    if value is None:
        return ""
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, dt.datetime | dt.date):
        return str(_iso_time(value)) if isinstance(value, dt.datetime) else value.isoformat()
    return str(value)


def _is_time(field: str) -> bool:
    return field == "time" or field.endswith("_at")


def _iso_time(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC).isoformat()
    return value


def _sqlite_time(iso: bool) -> Callable[[Any], Any]:
    """SQLite hands back its naive UTC text ("2026-03-01 09:00:00.000000"): as an aware
    datetime, or straight to ISO 8601 UTC text without building one."""

    def to_datetime(value: Any) -> Any:
        if isinstance(value, str):
            return dt.datetime.fromisoformat(value).replace(tzinfo=dt.UTC)
        return value

    def to_text(value: Any) -> Any:
        if isinstance(value, str) and len(value) >= 19 and value[10] == " ":
            return f"{value[:10]}T{value[11:]}+00:00"
        return _iso_time(to_datetime(value))

    return to_text if iso else to_datetime


def _table(record: Record) -> sa.TableClause:
    columns: list[sa.ColumnClause[Any]] = [
        sa.column(name) for name in dict.fromkeys(record.columns.values())
    ]
    return sa.table(record.table, *columns, schema=record.schema_name)
