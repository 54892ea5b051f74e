"""``lers intake email FILE.eml…``: take messages from files, exactly once each."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from lers.intake.services import intake_message


class Command(BaseCommand):
    help = "Take law-enforcement emails (RFC 5322 files) into the intake queue."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="what", required=True)
        files = sub.add_parser("email", help="messages from .eml files")
        files.add_argument("files", nargs="+", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        missing = [str(f) for f in options["files"] if not f.is_file()]
        if missing:
            raise CommandError(f"no such file: {', '.join(missing)}")
        for path in options["files"]:
            intake, created = intake_message(path.read_bytes(), source="file")
            state = intake.get_status_display() if created else "already taken"
            reasons = f" — {'; '.join(intake.reasons)}" if created and intake.reasons else ""
            self.stdout.write(f"{path.name}: {state}{reasons}")
