"""Comparing people's names across scripts: word order, diacritics, and Chinese names written
in characters or in pinyin ("王伟", "Wang Wei", "WEI Wang" are one name)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from pypinyin import lazy_pinyin
from rapidfuzz import fuzz

_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_SEPARATORS = re.compile(r"[\s,.'’\-_·•]+")


@dataclass(frozen=True)
class NameForm:
    """A name made comparable: its Han characters (if any) and its Latin words."""

    han: str  # the Chinese characters, without spaces ("" for a Latin name)
    words: tuple[str, ...]  # folded Latin words: no diacritics, lower case (pinyin for Han)

    @property
    def latin(self) -> str:
        return " ".join(self.words)


def fold(text: str) -> str:
    """Lower case, no diacritics (é → e, ü → u, ß → ss), no punctuation between words."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _SEPARATORS.sub(" ", bare.casefold()).strip()


def name_form(name: str) -> NameForm:
    name = unicodedata.normalize("NFKC", name or "").strip()
    han = "".join(_HAN.findall(name))
    if han:
        latin_part = _HAN.sub(" ", name)
        words = [*lazy_pinyin(han), *fold(latin_part).split()]
    else:
        words = fold(name).split()
    return NameForm(han=han, words=tuple(w for w in words if w))


def name_score(query: NameForm, full_name: str, full_name_local: str = "") -> float:
    """0-100: how alike a queried name is to an account's names, whatever the word order or
    the script. ``full_name`` is the account's Latin (or pinyin) name, ``full_name_local`` its
    name in its own script. Cheap on the account's side (no transliteration per row): the
    query carries both its characters and its pinyin.
    """
    best = 0.0
    if query.words and full_name:
        best = fuzz.token_sort_ratio(query.latin, fold(full_name))
    if query.han and full_name_local:
        local_han = "".join(_HAN.findall(full_name_local))
        if local_han:
            best = max(best, fuzz.ratio(query.han, local_han))
    elif full_name_local and query.words and not _HAN.search(full_name_local):
        best = max(best, fuzz.token_sort_ratio(query.latin, fold(full_name_local)))
    return float(best)


def looks_chinese(name: str) -> bool:
    return bool(_HAN.search(name))
