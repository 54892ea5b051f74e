"""``lers entities sync``: create or update the profile's legal entities and services."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand

from lers.cases.models import Entity
from lers.cases.services import entities_sync


class Command(BaseCommand):
    help = "The exchange's legal entities and services, from the active policy profile."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("sync", help="create or update them from the profile")
        sub.add_parser("list", help="list them")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "sync":
            result = entities_sync(by=None)
            self.stdout.write(
                f"entities created: {', '.join(result.created) or 'none'}; "
                f"updated: {', '.join(result.updated) or 'none'}; "
                f"services created: {result.services_created}"
            )
        for entity in Entity.objects.prefetch_related("services").order_by("code"):
            services = ", ".join(s.name for s in entity.services.all()) or "—"
            self.stdout.write(
                f"{entity.code:14} {entity.name} ({entity.jurisdiction}, {entity.timezone}); "
                f"services: {services}"
            )
