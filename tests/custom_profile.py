"""A shipped profile with some of its lines changed, written where a test can point
``LERS_POLICY`` at it: a test changes a key in a profile file and sees the behaviour change."""

from __future__ import annotations

from pathlib import Path

from lers.policy.loader import shipped_profiles


def custom_profile(
    settings, tmp_path: Path, base: str, changes: dict[str, str], *, name: str = ""
) -> Path:
    """``base`` (a shipped profile's name) with each line ``old`` of ``changes`` replaced by
    its ``new`` (every ``old`` must be there exactly once), made the active profile."""
    text = shipped_profiles()[base].read_text(encoding="utf-8")
    for old, new in changes.items():
        assert text.count(old) == 1, f"{old!r} is not once in {base}.toml"
        text = text.replace(old, new, 1)
    path = tmp_path / f"{name or base + '_custom'}.toml"
    path.write_text(text, encoding="utf-8")
    settings.LERS_POLICY = str(path)
    return path
