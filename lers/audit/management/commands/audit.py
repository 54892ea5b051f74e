"""``lers audit verify``: walk the hash chain, report the first broken link, and check that
the trail extends the latest signed checkpoint; ``lers audit checkpoint``: sign one now;
``lers audit keygen NAME``: make an Ed25519 key pair for the checkpoints."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from lers.audit.checkpoints import CheckpointError, checkpoint_check, checkpoint_make, verifier
from lers.audit.notes import NoteError, Signer
from lers.audit.verify import verify_chain


class Command(BaseCommand):
    help = "Audit-trail tools."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("verify", help="verify the hash chain and the latest signed checkpoint")
        sub.add_parser("checkpoint", help="sign a checkpoint of the trail now")
        keygen = sub.add_parser("keygen", help="make a key pair for the checkpoints")
        keygen.add_argument("name", help="the key's name, e.g. lers.example.com/audit")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            {"verify": self._verify, "checkpoint": self._checkpoint, "keygen": self._keygen}[
                options["action"]
            ](options)
        except (CheckpointError, NoteError) as exc:
            raise CommandError(str(exc)) from None

    def _verify(self, options: dict[str, Any]) -> None:
        verdict = verify_chain()
        if not verdict.ok:
            raise CommandError(
                f"BROKEN at event #{verdict.broken_seq}: {verdict.reason} "
                f"({verdict.count} events verified before it)"
            )
        check = checkpoint_check()
        if check is None:
            why = "no verifier key" if verifier() is None else "no checkpoint yet"
            self.stdout.write(f"OK: {verdict.count} events, chain intact ({why} to check)")
            return
        if not check.ok:
            where = f"at event #{check.first_bad_seq}: " if check.first_bad_seq else ""
            raise CommandError(f"BROKEN {where}{check.message}")
        self.stdout.write(f"OK: {verdict.count} events, chain intact, {check.message}")

    def _checkpoint(self, options: dict[str, Any]) -> None:
        path = checkpoint_make()
        self.stdout.write(f"Checkpoint written: {path}")

    def _keygen(self, options: dict[str, Any]) -> None:
        key = Signer.generate(options["name"])
        self.stdout.write(f"LERS_AUDIT_SIGNING_KEY={key}")
        self.stdout.write(f"LERS_AUDIT_VERIFIER_KEY={key.verifier}")
        self.stderr.write(
            "Keep the signing key out of the database's reach (a secret file: "
            "LERS_AUDIT_SIGNING_KEY_FILE); give the verifier key to whoever audits."
        )
