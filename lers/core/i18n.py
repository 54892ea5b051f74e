"""Wording that comes from the policy (English and Chinese) in the reader's language."""

from __future__ import annotations

from typing import Protocol

from django.utils.translation import get_language


class Labelled(Protocol):
    label: str
    label_zh: str


def wants_chinese() -> bool:
    return (get_language() or "en").lower().startswith("zh")


def localised(item: Labelled) -> str:
    """The policy's Chinese label for a Chinese reader (profiles carry one Chinese text)."""
    return item.label_zh if wants_chinese() else item.label


def document_type_choices() -> list[tuple[str, str]]:
    """The policy's document types, labelled in the reader's language, for a form."""
    from lers.core.policy import active_policy

    return [(code, localised(item)) for code, item in active_policy().document_types.items()]
