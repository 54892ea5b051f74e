"""Every key of every shipped profile is read where its behaviour lives (issue 15, item 16): its
name is used by lers's code outside the schema, the loader's checks and ``lers policy show``.
This is the static half; the tests that change a key in a profile file and see the behaviour
change are beside each behaviour (``custom_profile``). A key that only the schema and the
summary know decides nothing and must go."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from lers.policy import shipped_profiles

ROOT = Path(__file__).resolve().parents[2] / "lers"
# Only describe or check the policy; reading a key here is not acting on it. (The schema's
# methods are code, its field declarations are not: see _code.)
DESCRIBING = {"policy/summary.py", "policy/sources.py", "policy/loader.py"}
# Tables whose keys are the profile's own codes (request types, document types, reasons,
# entity and service codes): the code reads them as data, by lookup.
DATA_TABLES = {"request_types", "document_types", "decline_reasons"}
DATA_KEYS = {"email_subject.request_types", "email_subject.urgency"}
# Wording and bookkeeping.
WORDING = re.compile(r"^(ref|refs|label(_zh(_hant)?)?|message(_zh(_hant)?)?|id|name|summary)$")
# Keys whose behaviour is still to come.
PENDING: set[str] = set()


def _leaves(data: dict, prefix: str = "") -> set[str]:
    keys: set[str] = set()
    for key, value in data.items():
        path = f"{prefix}{key}"
        if isinstance(value, dict):
            if any(path.startswith(t) for t in DATA_KEYS) or prefix.rstrip(".") in DATA_TABLES:
                keys |= {f"{path}.{k}" for k in value if not isinstance(value[k], dict)}
                keys |= _leaves({k: v for k, v in value.items() if isinstance(v, dict)}, f"{path}.")
            else:
                keys |= _leaves(value, f"{path}.")
        elif isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            for item in value:
                keys |= _leaves(item, f"{path}[].")
        else:
            keys.add(path)
    return keys


def _code() -> str:
    parts = []
    for path in ROOT.rglob("*"):
        relative = path.relative_to(ROOT).as_posix()
        if path.suffix in (".py", ".html", ".txt") and relative not in DESCRIBING:
            if "/migrations/" in relative:
                continue
            text = path.read_text(encoding="utf-8")
            if relative == "policy/schema.py":  # method bodies only, not the declarations
                text = "\n".join(line for line in text.splitlines() if line.startswith(" " * 8))
            parts.append(text)
    return "\n".join(parts)


def test_every_key_of_every_shipped_profile_is_read_by_the_code():
    code = _code()
    unread: dict[str, list[str]] = {}
    for name, path in shipped_profiles().items():
        for key in sorted(_leaves(tomllib.loads(path.read_text(encoding="utf-8")))):
            leaf = key.split(".")[-1]
            table = key.split(".")[0].rstrip("[]")
            if WORDING.match(leaf) or key in PENDING:
                continue
            if table in DATA_TABLES and key.count(".") == 2:
                # request_types.<code>.<attribute>: the attribute is what the code reads.
                pass
            elif any(key.startswith(t + ".") for t in DATA_KEYS):
                continue  # codes of the subject grammar, looked up as data
            if not re.search(rf"\b{re.escape(leaf)}\b", code):
                unread.setdefault(name, []).append(key)
    assert unread == {}
