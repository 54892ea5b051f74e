#!/usr/bin/env python
"""Django's manage.py for a source checkout; the installed ``lers`` command is the same."""

from lers.cli import main

if __name__ == "__main__":
    main()
