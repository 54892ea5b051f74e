"""``lers demo``: prepare the demo data (idempotent; refused in production mode)."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from lers.accounts.mfa import totp_code
from lers.demo.services import demo_seed, demo_totp_secret


class Command(BaseCommand):
    help = "Create the demo entities, users, agencies, cases and synthetic exchange."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--password",
            default=None,
            help="password of every demo account (default: LERS_DEMO_PASSWORD or 'lers-demo-pass')",
        )
        parser.add_argument("--exchange-users", type=int, default=2000)
        parser.add_argument("--seed", type=int, default=7)
        parser.add_argument(
            "--code",
            metavar="USERNAME",
            help="print the current second-factor code of a demo account, and its secret",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.PRODUCTION:
            raise CommandError(
                "lers demo creates known passwords: refused when LERS_MODE=production"
            )
        if options["code"]:
            secret = demo_totp_secret(options["code"])
            self.stdout.write(
                f"{totp_code(secret)}   (TOTP secret for an authenticator app: {secret})"
            )
            return
        password = options["password"] or settings.LERS_DEMO_PASSWORD
        summary = demo_seed(
            password=password, exchange_users=options["exchange_users"], seed=options["seed"]
        )
        self.stdout.write(
            f"Demo ready ({settings.LERS_POLICY} profile): {summary.cases_created} cases created, "
            f"{summary.cases_existing} already there."
        )
        if summary.exchange:
            self.stdout.write(
                f"Synthetic exchange: {summary.exchange.users} users, "
                f"{summary.exchange.addresses} deposit addresses ({summary.exchange.url})"
            )
        self.stdout.write(
            f"Sign in with any of these (password: {password}); every account has a second "
            "factor: `lers demo --code USERNAME` prints its current code."
        )
        self.stdout.write("  staff:    " + ", ".join(summary.staff))
        for username, agency in summary.officers:
            self.stdout.write(f"  officer:  {username:12} {agency}")
