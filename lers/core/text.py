"""Free text from people, made safe to store: no NUL (PostgreSQL refuses it), one newline style."""

from __future__ import annotations


def clean_text(value: str) -> str:
    return value.replace("\x00", "").replace("\r\n", "\n").replace("\r", "\n").strip()
