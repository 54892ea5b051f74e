"""``lers domains``: check addresses against the government-domain registry, and keep it."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from lers.agencies.services import (
    domain_registry,
    government_domain_add,
    government_domain_withdraw,
)
from lers.core.errors import DomainError


class Command(BaseCommand):
    help = "The government-domain registry (X-05): check, list, add, withdraw."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        check = sub.add_parser("check", help="classify email addresses or domains")
        check.add_argument("addresses", nargs="+")
        sub.add_parser("list", help="every entry in force")
        add = sub.add_parser("add", help="add a suffix or a domain")
        add.add_argument("value")
        add.add_argument("--kind", choices=["suffix", "domain"], required=True)
        add.add_argument("--country", required=True, help="ISO 3166-1 alpha-2 (or EU, INT)")
        add.add_argument("--note", default="")
        withdraw = sub.add_parser("withdraw", help="take an entry (shipped or added) out")
        withdraw.add_argument("value")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        try:
            if action == "add":
                row = government_domain_add(
                    value=options["value"],
                    kind=options["kind"],
                    country=options["country"],
                    note=options["note"],
                    by=None,
                )
                self.stdout.write(f"added: {row.value} ({row.kind}, {row.country})")
            elif action == "withdraw":
                row = government_domain_withdraw(value=options["value"], by=None)
                self.stdout.write(f"withdrawn: {row.value}")
        except DomainError as exc:
            raise CommandError(exc.message) from None
        registry = domain_registry()
        if action == "check":
            flagged = False
            for address in options["addresses"]:
                result = registry.check(address)
                flagged |= result.needs_review
                self.stdout.write(f"{address:40} {result.status:10} {result.reason}")
            if flagged:
                raise CommandError("some addresses need review", returncode=3)
        elif action == "list":
            for entry in sorted(registry.entries, key=lambda e: (e.country, e.value)):
                self.stdout.write(f"{entry.country:4} {entry.kind:7} {entry.value:24} {entry.note}")
