"""``lers audit verify``: walk the hash chain, report the first broken link, and check that
the trail extends the latest signed checkpoint; ``lers audit checkpoint``: sign one now;
``lers audit keygen NAME``: make an Ed25519 key pair for the checkpoints; ``lers audit prove
CASE``: the case's events with their inclusion proofs; ``lers audit check-proof FILE``: check
such a bundle offline, with only the verifier key."""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from lers.audit.checkpoints import (
    CheckpointError,
    case_proof,
    checkpoint_check,
    checkpoint_make,
    verifier,
)
from lers.audit.merkle import ProofError
from lers.audit.notes import NoteError, Signer, Verifier
from lers.audit.proofs import proof_check
from lers.audit.verify import verify_chain


class Command(BaseCommand):
    help = "Audit-trail tools."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("verify", help="verify the hash chain and the latest signed checkpoint")
        sub.add_parser("checkpoint", help="sign a checkpoint of the trail now")
        keygen = sub.add_parser("keygen", help="make a key pair for the checkpoints")
        keygen.add_argument("name", help="the key's name, e.g. lers.example.com/audit")
        prove = sub.add_parser("prove", help="a case's events with their inclusion proofs")
        prove.add_argument("case", help="the case reference")
        prove.add_argument("--out", type=Path, help="write the bundle here (default: stdout)")
        check = sub.add_parser("check-proof", help="check a proof bundle offline")
        check.add_argument("file", type=Path)
        check.add_argument("--key", help="the exchange's verifier key (default: configured)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            actions = {
                "verify": self._verify,
                "checkpoint": self._checkpoint,
                "keygen": self._keygen,
                "prove": self._prove,
                "check-proof": self._check_proof,
            }
            actions[options["action"]](options)
        except (CheckpointError, NoteError, ProofError) as exc:
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

    def _prove(self, options: dict[str, Any]) -> None:
        data = case_proof(options["case"])
        if options["out"] is not None:
            options["out"].write_bytes(data)
            self.stdout.write(f"Proof bundle written: {options['out']}")
        else:
            self.stdout.write(data.decode("utf-8"))

    def _check_proof(self, options: dict[str, Any]) -> None:
        key = Verifier.parse(options["key"]) if options["key"] else verifier()
        if key is None:
            raise CommandError("give the exchange's verifier key: --key NAME+HASH+KEY")
        try:
            data = options["file"].read_bytes()
        except OSError as exc:
            raise CommandError(f"{options['file']}: {exc.strerror}") from None
        checked = proof_check(data, key)
        point = checked.checkpoint
        self.stdout.write(
            f"OK: {len(checked.events)} events, each in the trail of {point.size} events "
            f"signed {point.time:%Y-%m-%d %H:%M} UTC by {key.name}+{key.key_hash:08x}"
        )
