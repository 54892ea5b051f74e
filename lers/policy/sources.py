"""Where each value of a profile file comes from (``lers policy show``): the guideline's own
sentence, a *deployment choice*, or the requirement IDs of its section.

A profile says it in its comments: a comment at the end of a key's line speaks for that key, a
block of comments right above a key for that key, a block above a table's header for the whole
table. A comment that says "deployment choice" marks the value as the deployer's; one that
quotes the guideline (its words in quotation marks) gives the seed sentence. Without either,
the table's ``ref`` names the requirements the value encodes.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

_HEADER = re.compile(r"^\s*(\[\[?)\s*([A-Za-z0-9_.\-\"]+)\s*\]\]?\s*(#.*)?$")
_KEY = re.compile(r"^\s*([A-Za-z0-9_\-]+|\"[^\"]+\")\s*=\s*(.*?)\s*$")
# Keys that are wording or bookkeeping, not rules.
_SKIPPED = re.compile(r"^(ref|refs|label(_zh(_hant)?)?|message(_zh(_hant)?)?|id)$")
_QUOTE = re.compile(r"[\"“”「」]")


@dataclass(frozen=True)
class Source:
    key: str  # dotted, an array table's entries by their ``id`` or position
    value: str  # as the file writes it
    kind: str  # "guideline", "deployment choice", "refs" or "none"
    text: str  # the sentence, the comment, or the IDs


def _split_comment(line: str) -> tuple[str, str]:
    """The line without its end comment, and the comment (a ``#`` outside a string)."""
    quoted = False
    for index, char in enumerate(line):
        if char == '"':
            quoted = not quoted
        elif char == "#" and not quoted:
            return line[:index].rstrip(), line[index + 1 :].strip()
    return line, ""


def _classify(comment: str, refs: list[str], *, of_table: bool = False) -> tuple[str, str]:
    # A table's comment that quotes the guideline speaks for its keys; the keys it calls a
    # deployment choice say so on their own line.
    if of_table and comment and _QUOTE.search(comment):
        return "guideline", comment
    if comment and "deployment choice" in comment.lower():
        return "deployment choice", comment
    if comment and _QUOTE.search(comment):
        return "guideline", comment
    if refs:
        return "refs", ", ".join(refs)
    if comment:
        return "none", comment
    return "none", ""


def _refs_of(data: dict[str, object], path: list[str]) -> list[str]:
    """The ``ref`` of the table at ``path`` (the nearest table up that has one)."""
    while path:
        node: object = data
        for part in path:
            if isinstance(node, dict):
                node = node.get(part)
            elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
                node = node[int(part)]
            else:
                node = None
        if isinstance(node, dict) and isinstance(node.get("ref"), list):
            return [str(r) for r in node["ref"]]
        path = path[:-1]
    return []


def profile_sources(path: Path) -> list[Source]:
    """Every rule value of the profile file at ``path`` with its source."""
    text = path.read_text(encoding="utf-8")
    data = tomllib.loads(text)
    sources: list[Source] = []
    table: list[str] = []
    shown: list[str] = []  # the table as the key names it (array entries by their id)
    table_comment = ""
    block: list[str] = []
    counts: dict[str, int] = {}
    comments: list[tuple[list[str], str]] = []
    lines = text.splitlines()
    for number, raw in enumerate(lines):
        line = raw.strip()
        if not line:
            block = []
            continue
        if line.startswith("#"):
            block.append(line.lstrip("#").strip())
            continue
        header = _HEADER.match(raw)
        if header:
            name = header.group(2)
            parts = name.split(".")
            if header.group(1) == "[[":
                index = counts.get(name, 0)
                counts[name] = index + 1
                table = [*parts, str(index)]
                entry_id = next(
                    (
                        m.group(1)
                        for m in (
                            re.match(r'^\s*id\s*=\s*"([^"]+)"', lines[n])
                            for n in range(number + 1, min(number + 4, len(lines)))
                        )
                        if m
                    ),
                    str(index),
                )
                shown = [*parts[:-1], f"{parts[-1]}[{entry_id}]"]
            else:
                table, shown = parts, parts
            # A sub-table without its own comment speaks with its parent table's (an entry of
            # an array of tables speaks only for itself).
            table_comment = " ".join(block)
            if header.group(1) == "[":
                table_comment = table_comment or next(
                    (s for up, s in reversed(comments) if parts[: len(up)] == up and s), ""
                )
                comments.append((parts, table_comment))
            block = []
            continue
        body, comment = _split_comment(raw)
        key = _KEY.match(body)
        if not key:
            block = []
            continue
        name, value = key.group(1).strip('"'), key.group(2)
        # The profile's own name and summary, and wording tables, are not rules.
        if _SKIPPED.match(name) or (table and table[0] in ("profile", "terms", "advice")):
            block = []
            continue
        own = comment or " ".join(block)
        kind, why = _classify(own or table_comment, _refs_of(data, table), of_table=not own)
        sources.append(Source(key=".".join([*shown, name]), value=value, kind=kind, text=why))
        block = []
    return sources


def render_sources(path: Path) -> str:
    lines = ["Sources (each value, and where it comes from)"]
    for source in profile_sources(path):
        where = {
            "deployment choice": "deployment choice",
            "guideline": "guideline",
            "refs": "encodes",
            "none": "no source given",
        }[source.kind]
        detail = f": {source.text}" if source.text and source.kind != "deployment choice" else ""
        if source.kind == "deployment choice" and source.text.lower() != "deployment choice":
            detail = f" ({source.text})"
        lines.append(f"  {source.key} = {source.value} — {where}{detail}")
    return "\n".join(lines)
