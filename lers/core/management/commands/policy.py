"""``lers policy show NAME`` and ``lers policy check FILE``."""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from lers.policy import PolicyError, load, load_file, shipped_profiles
from lers.policy.sources import render_sources
from lers.policy.summary import render_summary


class Command(BaseCommand):
    help = "Show a policy profile as a summary, or check a custom profile file."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        show = sub.add_parser("show", help="print a profile as a readable summary")
        show.add_argument("name", help=f"one of {', '.join(shipped_profiles())}, or a path")
        check = sub.add_parser("check", help="validate a profile file")
        check.add_argument("file", type=Path)
        sub.add_parser("list", help="list the shipped profiles")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["action"] == "show":
                name = options["name"]
                self.stdout.write(render_summary(load(name)))
                path = shipped_profiles().get(name) or Path(name)
                self.stdout.write("")
                self.stdout.write(render_sources(path))
            elif options["action"] == "check":
                policy = load_file(options["file"])
                self.stdout.write(
                    f"OK: {options['file']} is a valid profile ({policy.profile.id}, "
                    f"{len(policy.requirements)} requirements)"
                )
            else:
                for name, path in shipped_profiles().items():
                    self.stdout.write(f"{name:10} {load(name).profile.name}  ({path})")
        except PolicyError as exc:
            raise CommandError(str(exc)) from None
