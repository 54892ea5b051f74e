"""Wording that comes from the policy (English and Chinese) in the reader's language."""

from __future__ import annotations

from typing import Protocol

from django.utils.translation import get_language

from lers.policy.completeness import traditional


class Labelled(Protocol):
    label: str
    label_zh: str
    label_zh_hant: str | None


def wants_chinese() -> bool:
    return (get_language() or "en").lower().startswith("zh")


def localised(item: Labelled) -> str:
    """The policy's label in the reader's language: its traditional text for a zh-Hant reader
    (the simplified one where the profile has none), its simplified text for a zh-Hans one."""
    if not wants_chinese():
        return item.label
    if traditional(get_language() or "") and item.label_zh_hant:
        return item.label_zh_hant
    return item.label_zh


def document_type_choices() -> list[tuple[str, str]]:
    """The policy's document types, labelled in the reader's language, for a form."""
    from lers.core.policy import active_policy

    return [(code, localised(item)) for code, item in active_policy().document_types.items()]
