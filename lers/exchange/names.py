"""Comparing people's names across scripts: word order, diacritics, initials, misspellings, and
Chinese names written in characters or in pinyin ("王晓明", "Wang Xiaoming", "XIAO MING WANG"
are one name).

A name is made comparable once (``name_form``); ``name_key`` is the form lers's name index
keeps beside each KYC name (``lers.exchange.name_index``), so that the index finds candidates
and ``name_score`` decides, with the same reading of a name on both sides.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass

from pypinyin import lazy_pinyin
from rapidfuzz import fuzz

_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_SEPARATORS = re.compile(r"[\s,.'’\-_·•]+")
# Two-character family names: their pinyin is written as one word ("Ouyang Na", "Situ Jie").
_COMPOUND_FAMILY = frozenset(
    {
        "欧阳", "歐陽", "司徒", "上官", "司马", "司馬", "诸葛", "諸葛", "东方",
        "東方", "皇甫", "尉迟", "尉遲", "公孙", "公孫", "令狐", "慕容", "夏侯",
        "长孙", "長孫", "宇文", "轩辕", "軒轅", "端木", "西门", "西門", "南宫",
        "南宮", "独孤", "獨孤", "钟离", "鍾離", "呼延",
    }
)  # fmt: skip


@dataclass(frozen=True)
class NameForm:
    """A name made comparable: its Han characters (if any) and its Latin words."""

    han: str  # the Chinese characters, without spaces ("" for a Latin name)
    words: tuple[str, ...]  # folded Latin words: no diacritics, lower case (pinyin for Han)

    @property
    def latin(self) -> str:
        return " ".join(self.words)

    @property
    def key(self) -> str:
        """The words in alphabetical order: one key whatever order the name was written in."""
        return " ".join(sorted(self.words))


def fold(text: str) -> str:
    """Lower case, no diacritics (é → e, ü → u, ß → ss), no punctuation between words."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    bare = bare.replace("ø", "o").replace("Ø", "o").replace("ł", "l").replace("Ł", "l")
    bare = bare.replace("đ", "d").replace("Đ", "d").replace("ı", "i")
    return _SEPARATORS.sub(" ", bare.casefold()).strip()


def _pinyin_words(han: str) -> list[str]:
    """A Chinese name's pinyin as it is romanised: the family name, then the given name as
    one word (王晓明 → wang xiaoming; 欧阳娜娜 → ouyang nana)."""
    family = 2 if han[:2] in _COMPOUND_FAMILY and len(han) > 2 else 1
    syllables = lazy_pinyin(han)
    if len(syllables) != len(han):  # characters pypinyin does not know: one word each
        return syllables
    words = ["".join(syllables[:family]), "".join(syllables[family:])]
    return [w for w in words if w]


@functools.lru_cache(maxsize=65536)
def name_form(name: str) -> NameForm:
    name = unicodedata.normalize("NFKC", name or "").strip()
    han = "".join(_HAN.findall(name))
    if han:
        latin_part = _HAN.sub(" ", name)
        words = [*_pinyin_words(han), *fold(latin_part).split()]
    else:
        words = fold(name).split()
    return NameForm(han=han, words=tuple(w for w in words if w))


def name_keys(full_name: str, full_name_local: str = "") -> set[str]:
    """The keys an account's names are found by: its Latin name's, and its local-script
    name's (the pinyin of 張偉 where the Latin name is a Cantonese "Cheung Wai")."""
    keys = {name_form(full_name).key}
    if full_name_local:
        keys.add(name_form(full_name_local).key)
    return {key for key in keys if key}


def _with_initials(query: tuple[str, ...], candidate: tuple[str, ...]) -> tuple[str, ...]:
    """The query with each initial ("J" of "J. Smith") written out as the candidate's word
    that it abbreviates, when the candidate has one not matched otherwise."""
    if all(len(w) > 1 for w in query):
        return query
    free = [w for w in candidate if w not in query]
    out = []
    for word in query:
        if len(word) == 1:
            full = next((w for w in free if w.startswith(word)), None)
            if full is not None:
                free.remove(full)
                out.append(full)
                continue
        out.append(word)
    return tuple(out)


def latin_score(query: tuple[str, ...], candidate: tuple[str, ...]) -> float:
    """0-100 between two names' folded words, whatever their order, with initials, a middle
    name left out, and a given name written in one word or in syllables."""
    if not query or not candidate:
        return 0.0
    initials = any(len(w) == 1 for w in query)
    query = _with_initials(query, candidate)
    best = fuzz.token_sort_ratio(" ".join(query), " ".join(candidate))
    if best >= 100 and not initials:
        return 100.0
    # "wang xiao ming" and "xiaoming wang": compare the letters, the candidate in each rotation
    joined = "".join(query)
    for turn in range(min(len(candidate), 4)):
        rotated = candidate[turn:] + candidate[:turn]
        best = max(best, fuzz.ratio(joined, "".join(rotated)))
    # "James Robert Smith" for "James Smith": two or more words in common, one name left out
    shared = set(query) & set(candidate)
    if len(shared) >= 2:
        best = max(best, 0.9 * fuzz.token_set_ratio(" ".join(query), " ".join(candidate)))
    # An initial gives less certainty than the word it stands for.
    if initials:
        best *= 0.9
    return float(best)


def name_score(query: NameForm, full_name: str, full_name_local: str = "") -> float:
    """0-100: how alike a queried name is to an account's names, whatever the word order or
    the script. ``full_name`` is the account's Latin (or pinyin) name, ``full_name_local`` its
    name in its own script; each is compared in its letters and, for Chinese, in pinyin."""
    best = 0.0
    for name in (full_name, full_name_local):
        if not name:
            continue
        form = name_form(name)
        if query.han and form.han:
            best = max(best, fuzz.ratio(query.han, form.han))
        best = max(best, latin_score(query.words, form.words))
    return float(best)


def looks_chinese(name: str) -> bool:
    return bool(_HAN.search(name))
