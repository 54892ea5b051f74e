from __future__ import annotations

import argparse
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from lers.jobs.worker import Worker


def _positive_float(value: str) -> float:
    try:
        number = float(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a number: {value!r}") from exc
    if number <= 0:
        raise argparse.ArgumentTypeError("must be positive")
    return number


class Command(BaseCommand):
    help = "Run background jobs from the database queue until stopped (SIGTERM/SIGINT)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--burst", action="store_true", help="exit once no job is runnable")
        parser.add_argument(
            "--max-jobs", type=int, default=None, metavar="N", help="exit after N jobs"
        )
        parser.add_argument(
            "--poll",
            type=_positive_float,
            default=None,
            metavar="SECONDS",
            help="seconds between polls when idle (default: LERS_WORKER_POLL_SECONDS)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["max_jobs"] is not None and options["max_jobs"] < 1:
            raise CommandError("--max-jobs must be at least 1")
        worker = Worker(poll_seconds=options["poll"])
        mode = "burst" if options["burst"] else f"polling every {worker.poll_seconds:g}s"
        self.stdout.write(f"lers worker {worker.worker_id} started ({mode})")
        ran = worker.run(burst=options["burst"], max_jobs=options["max_jobs"])
        self.stdout.write(f"lers worker {worker.worker_id} stopped after {ran} jobs")
