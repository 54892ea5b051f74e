"""``lers names index``: build or refresh lers's index of the exchange's KYC names, with
progress; ``lers names status``: when it was last refreshed, and of which exchange;
``lers names search NAME…``: the accounts a name finds, as triage would list them."""

from __future__ import annotations

import sys
import time
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from lers.exchange.active import active_digest, active_name_finder, active_source
from lers.exchange.models import NameIndexRun
from lers.exchange.name_index import index_ready, names_refresh
from lers.exchange.resolution import Query, resolve


class Command(BaseCommand):
    help = "Build, inspect or search lers's index of the exchange's KYC names."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("what", choices=["index", "status", "search"])
        parser.add_argument("names", nargs="*", help="for search: the names to look for")

    def handle(self, *args: Any, **options: Any) -> None:
        what = options["what"]
        if what == "index":
            self._index()
        elif what == "status":
            self._status()
        else:
            if not options["names"]:
                raise CommandError("search: give one or more names")
            self._search(options["names"])

    def _index(self) -> None:
        shown = [0.0]

        def progress(done: int, total: int) -> None:
            now = time.monotonic()
            if now - shown[0] >= 1 or done >= total:
                shown[0] = now
                share = f" ({done / total:.0%})" if total else ""
                self.stderr.write(f"\r  {done:,} of {total:,} accounts{share}", ending="")
                sys.stderr.flush()

        run = names_refresh(active_source(), digest=active_digest(), progress=progress)
        self.stderr.write("")
        self.stdout.write(
            f"Name index: {run.accounts:,} accounts under {run.names:,} names "
            f"({run.added:,} added, {run.changed:,} renamed, {run.removed:,} removed) "
            f"in {run.seconds:.1f} s."
        )

    def _status(self) -> None:
        run = index_ready(active_digest())
        if run is None:
            other = NameIndexRun.objects.filter(finished_at__isnull=False).first()
            why = " (it holds another exchange's names)" if other else ""
            self.stdout.write(
                f"No name index of this exchange{why}: names are found by scanning its KYC "
                "table. Build it with: lers names index"
            )
            return
        assert run.finished_at is not None
        self.stdout.write(
            f"Name index of this exchange, refreshed {run.finished_at:%Y-%m-%d %H:%M} UTC: "
            f"{run.accounts:,} accounts under {run.names:,} names."
        )

    def _search(self, names: list[str]) -> None:
        finder = active_name_finder()
        queries = [Query("name", name) for name in names]
        result = resolve(active_source(), queries, names=finder)
        how = "index" if finder is not None else "scan of the KYC table (no index yet)"
        self.stdout.write(f"Searched by the {how}.")
        for query in queries:
            found = result.matches[query]
            self.stdout.write(f"{query.value}: {len(found)} candidate(s)")
            for match in found:
                self.stdout.write(f"  {match.uid}  {match.score:5.1f}  {match.evidence}")
