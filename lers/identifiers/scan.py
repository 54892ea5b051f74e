"""Plain-data view of extract() for a command line or a JSON API (the Django command that
prints it belongs to the portal app; this stays framework-free)."""

from __future__ import annotations

from typing import Any

from lers.identifiers.extract import extract
from lers.identifiers.model import Found

COLUMNS = ("kind", "text", "normalised", "chains", "valid", "reason")


def found_to_dict(found: Found) -> dict[str, Any]:
    return {
        "kind": found.kind,
        "text": found.text,
        "span": list(found.span),
        "normalised": found.normalised,
        "chains": list(found.chains),
        "network": found.network,
        "format": found.format,
        "valid": found.valid,
        "reason": found.reason,
        "tag": found.tag,
        "label": found.label,
    }


def scan_text(
    text: str, *, default_region: str | None = None, uid_pattern: str | None = None
) -> list[dict[str, Any]]:
    found = extract(text, default_region=default_region, uid_pattern=uid_pattern)
    return [found_to_dict(f) for f in found]


def _cell(row: dict[str, Any], column: str) -> str:
    value = row[column]
    if column == "chains":
        return ",".join(value) if len(value) <= 4 else ",".join(value[:3]) + ",…"
    if column == "valid":
        return "yes" if value else "NO"
    return str(value).replace("\n", "⏎")


def render_table(found: list[dict[str, Any]]) -> str:
    """A fixed-width text table, one row per identifier."""
    rows = [[_cell(row, c) for c in COLUMNS] for row in found]
    widths = [max([len(c), *(len(r[i]) for r in rows)]) for i, c in enumerate(COLUMNS)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(COLUMNS, widths, strict=True)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    for row in rows:
        lines.append("  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)).rstrip())
    return "\n".join(lines)
