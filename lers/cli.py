"""The ``lers`` console script: Django's management commands and lers's own, in one."""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lers.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["lers", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    main()
