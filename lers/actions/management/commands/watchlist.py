"""``lers watchlist screen``: check deposits against the addresses tagged on cases (X-12).

Deposits come from the exchange's data source (``--since`` limits them to those confirmed at
or after a time) or from a CSV file with a header naming at least ``txid`` and ``from_address``
or ``to_address`` (``uid``, ``chain``, ``asset``, ``amount``, ``time`` are kept when present).
Every hit raises an alert on the case, once per deposit, however often the same deposits are
screened.
"""

from __future__ import annotations

import csv
import datetime as dt
import time
from argparse import ArgumentParser
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from lers.actions.services.watchlist import exchange_deposits, watchlist, watchlist_screen


def _csv_deposits(path: Path) -> Iterator[dict[str, Any]]:
    try:
        handle = path.open(newline="", encoding="utf-8-sig")
    except OSError as exc:
        raise CommandError(f"{path}: {exc.strerror}") from None
    with handle:
        reader = csv.DictReader(handle)
        header = set(reader.fieldnames or [])
        if "txid" not in header or not header & {"from_address", "to_address"}:
            raise CommandError(
                f"{path}: the header must name txid and from_address or to_address "
                f"(found: {', '.join(sorted(header)) or 'no header'})"
            )
        yield from reader


def _since(text: str) -> dt.datetime:
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        raise CommandError(f"--since: not an ISO date or time: {text!r}") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


class Command(BaseCommand):
    help = "Screen deposits against the watchlist of addresses tagged on cases."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("what", choices=["screen"])
        parser.add_argument("--csv", type=Path, help="screen the deposits in this CSV file")
        parser.add_argument("--since", help="only deposits confirmed at or after (ISO 8601)")

    def handle(self, *args: Any, **options: Any) -> None:
        watched = watchlist()
        if options["csv"] is not None:
            deposits: Iterator[dict[str, Any]] = _csv_deposits(options["csv"])
            origin = str(options["csv"])
        else:
            since = _since(options["since"]) if options["since"] else None
            deposits = exchange_deposits(since=since)
            origin = "the exchange's deposits" + (f" since {since.isoformat()}" if since else "")
        started = time.perf_counter()
        result = watchlist_screen(deposits, watched=watched)
        seconds = time.perf_counter() - started
        self.stdout.write(
            f"Screened {result.screened:,} deposits from {origin} against "
            f"{len(watched):,} watched addresses in {seconds:.1f} s: {result.hits:,} hits, "
            f"{result.new_alerts:,} new alerts."
        )
        if result.without_txid:
            self.stderr.write(
                f"{result.without_txid:,} hits name no transaction ID and raised no alert: "
                "give the deposits their txid and screen them again."
            )
