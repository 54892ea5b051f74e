"""``lers audit verify``: walk the hash chain and report the first broken link."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from lers.audit.verify import verify_chain


class Command(BaseCommand):
    help = "Audit-trail tools."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("verify", help="verify the audit hash chain")

    def handle(self, *args: Any, **options: Any) -> None:
        verdict = verify_chain()
        if verdict.ok:
            self.stdout.write(f"OK: {verdict.count} events, chain intact")
            return
        raise CommandError(
            f"BROKEN at event #{verdict.broken_seq}: {verdict.reason} "
            f"({verdict.count} events verified before it)"
        )
