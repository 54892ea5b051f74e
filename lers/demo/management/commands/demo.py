"""``lers demo``: prepare the demo data (idempotent; refused in production mode).

``lers demo exchange --users N --seed S`` builds only the synthetic exchange, at any size (a
million users for the benchmarks), and says how long it took and how much disk it takes.
"""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from sqlalchemy import make_url

from lers.accounts.mfa import totp_code
from lers.demo.exchange import ExchangeBuildError, build_demo_exchange, exchange_size
from lers.demo.services import demo_seed, demo_totp_secret


def _size(size: int | None) -> str:
    if size is None:
        return "size unknown"
    for unit, scale in (("GB", 1e9), ("MB", 1e6)):
        if size >= scale:
            return f"{size / scale:.2f} {unit} on disk"
    return f"{size / 1e3:.1f} kB on disk"


class Command(BaseCommand):
    help = "Create the demo entities, users, agencies, cases and synthetic exchange."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "what",
            nargs="?",
            choices=["exchange"],
            help="'exchange': build only the synthetic exchange (default: everything)",
        )
        parser.add_argument(
            "--password",
            default=None,
            help="password of every demo account (default: LERS_DEMO_PASSWORD or 'lers-demo-pass')",
        )
        parser.add_argument("--exchange-users", type=int, default=2000)
        parser.add_argument("--seed", type=int, default=7)
        parser.add_argument(
            "--users", type=int, default=None, help="exchange users (default: --exchange-users)"
        )
        parser.add_argument("--transfers-per-user", type=int, default=10)
        parser.add_argument(
            "--url", default=None, help="exchange database (default: EXCHANGE_DATABASE_URL)"
        )
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
        if options["what"] == "exchange":
            self._exchange(options)
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
                f"{summary.exchange.addresses} deposit addresses, "
                f"{summary.exchange.transfers} transfers ({summary.exchange.url})"
            )
        self.stdout.write(
            f"Sign in with any of these (password: {password}); every account has a second "
            "factor: `lers demo --code USERNAME` prints its current code."
        )
        self.stdout.write("  staff:    " + ", ".join(summary.staff))
        for username, agency in summary.officers:
            self.stdout.write(f"  officer:  {username:12} {agency}")

    def _exchange(self, options: dict[str, Any]) -> None:
        url = options["url"] or settings.LERS_EXCHANGE_DATABASE_URL
        users = options["users"] if options["users"] is not None else options["exchange_users"]
        try:
            summary = build_demo_exchange(
                url,
                users_count=users,
                seed=options["seed"],
                transfers_per_user=options["transfers_per_user"],
                progress=self.stdout.write,
            )
        except (ExchangeBuildError, ValueError) as exc:
            raise CommandError(str(exc)) from exc
        rows = ", ".join(f"{count:,} {name}" for name, count in summary.rows.items())
        state = "built" if summary.created else "already built (same size and seed)"
        self.stdout.write(
            f"Synthetic exchange {state}: {summary.users:,} users, {summary.transfers:,} "
            f"transfers, {summary.addresses:,} deposit addresses in {summary.seconds:.1f} s; "
            f"{_size(exchange_size(url))}"
        )
        self.stdout.write(f"  rows: {rows}")
        self.stdout.write(f"  at {make_url(url).render_as_string(hide_password=True)}")
