"""``lers roles grant|revoke USERNAME ROLE`` and ``lers roles list``: staff roles, audited."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from lers.accounts.models import STAFF_ROLES, Role, RoleGrant, User
from lers.accounts.services import role_grant, role_revoke
from lers.core.errors import DomainError

STAFF_ROLE_NAMES = [r.value for r in Role if r in STAFF_ROLES]


class Command(BaseCommand):
    help = "Grant, revoke and list staff roles (the command runs as lers itself)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        for action in ("grant", "revoke"):
            command = sub.add_parser(action)
            command.add_argument("username")
            command.add_argument("role", choices=STAFF_ROLE_NAMES)
        sub.add_parser("list")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "list":
            for grant in RoleGrant.objects.select_related("user").order_by("user__username"):
                self.stdout.write(f"{grant.user.username:20} {grant.role}")
            return
        user = User.objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"no user named {options['username']!r}")
        role = Role(options["role"])
        try:
            if options["action"] == "grant":
                role_grant(user=user, role=role, by=None)
            else:
                role_revoke(user=user, role=role, by=None)
        except DomainError as exc:
            raise CommandError(exc.message) from None
        self.stdout.write(
            f"{options['action']}ed: {user.username} {role.value}".replace("eed", "ed")
        )
