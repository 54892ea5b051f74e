"""``lers intake email FILE.eml…`` and ``lers intake imap``: take messages from files or from
the law-enforcement mailbox, exactly once each."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from lers.intake.imap import MailboxError, imap_poll
from lers.intake.models import IntakeMessage
from lers.intake.services import intake_message


class Command(BaseCommand):
    help = "Take law-enforcement emails (RFC 5322 files or an IMAP mailbox) into intake."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="what", required=True)
        files = sub.add_parser("email", help="messages from .eml files")
        files.add_argument("files", nargs="+", type=Path)
        # One poll; the worker polls on its own schedule with LERS_IMAP_POLL_SECONDS.
        sub.add_parser("imap", help="poll the mailbox of the LERS_IMAP_* settings once")

    def _report(self, name: str, intake: IntakeMessage, created: bool) -> None:
        state = intake.get_status_display() if created else "already taken"
        reasons = f" — {'; '.join(intake.reasons)}" if created and intake.reasons else ""
        self.stdout.write(f"{name}: {state}{reasons}")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["what"] == "imap":
            self._poll()
            return
        missing = [str(f) for f in options["files"] if not f.is_file()]
        if missing:
            raise CommandError(f"no such file: {', '.join(missing)}")
        for path in options["files"]:
            intake, created = intake_message(path.read_bytes(), source="file")
            self._report(path.name, intake, created)

    def _poll(self) -> None:
        try:
            result = imap_poll()
        except MailboxError as exc:
            raise CommandError(str(exc)) from exc
        for intake in result.taken:
            self._report(intake.message_id, intake, True)
        self.stdout.write(
            f"{len(result.taken)} new, {result.known} taken before"
            + (f", read up to UID {result.last_uid}" if result.last_uid else "")
        )
