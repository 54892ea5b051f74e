"""``lers identifiers scan FILE…``: the identifiers found in letters, sheets and emails (X-10)."""

from __future__ import annotations

import json
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from lers.core.policy import active_policy
from lers.identifiers.documents import document_text
from lers.identifiers.scan import render_table, scan_text


class Command(BaseCommand):
    help = "Find, validate and normalise identifiers in files (PDF, DOCX, XLSX, CSV, EML, text)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        scan = sub.add_parser("scan", help="print what the files name")
        scan.add_argument("files", nargs="+", type=Path)
        scan.add_argument("--json", action="store_true", help="JSON instead of a table")
        scan.add_argument(
            "--region", default=None, help="default country of phone numbers (e.g. GB, HK)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        uid_pattern = active_policy().identifiers.uid_pattern
        results: dict[str, list[dict[str, Any]]] = {}
        for path in options["files"]:
            try:
                data = path.read_bytes()
            except OSError as exc:
                raise CommandError(f"{path}: {exc.strerror}") from None
            try:
                text = document_text(path.name, data)
            except Exception as exc:  # a damaged file: say which, keep the others
                self.stderr.write(f"{path}: cannot read its text ({exc})")
                continue
            results[str(path)] = scan_text(
                text, default_region=options["region"], uid_pattern=uid_pattern
            )
        if options["json"]:
            self.stdout.write(json.dumps(results, ensure_ascii=False, indent=2))
            return
        for name, found in results.items():
            self.stdout.write(f"{name}: {len(found)} identifier(s)")
            if found:
                self.stdout.write(render_table(found))
