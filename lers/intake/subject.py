"""The email subject grammar of a profile (JU-03): ``[Urgent] | Organisation | Case number |
Request type``, read tolerantly: full-width separators and brackets, Chinese names of the
urgency and the request types, extra spaces, reply and forward prefixes. Pure Python."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

_PREFIX = re.compile(r"^\s*(?:(?:re|fw|fwd|aw|wg|回复|回覆|答复|转发|轉發)\s*[:：]\s*)+", re.I)
_BRACKETS = str.maketrans({"【": "[", "】": "]", "〔": "[", "〕": "]", "「": "[", "」": "]"})
_TYPE_SPLIT = re.compile(r"\s*(?:/|、|,|，|;|；|&|\+|\band\b|及|和)\s*", re.I)


class SubjectError(ValueError):
    """The subject does not follow the grammar; the message says where."""


@dataclass(frozen=True)
class ParsedSubject:
    urgency: str
    organisation: str
    case_number: str
    request_types: tuple[str, ...]


def _normal(text: str) -> str:
    # NFKC turns the full-width ｜ ［ ］ and spaces into their ASCII forms.
    return " ".join(unicodedata.normalize("NFKC", text).translate(_BRACKETS).split())


def _lookup(aliases: Mapping[str, Sequence[str]]) -> dict[str, str]:
    return {_normal(alias).casefold(): code for code, names in aliases.items() for alias in names}


def parse_subject(
    subject: str,
    *,
    fields: Sequence[str],
    separators: Sequence[str],
    urgency: Mapping[str, Sequence[str]],
    request_types: Mapping[str, Sequence[str]],
) -> ParsedSubject:
    text = _PREFIX.sub("", _normal(subject))
    if not text:
        raise SubjectError("the subject is empty")
    marks = sorted({_normal(s) for s in separators}, key=len, reverse=True)
    pattern = "|".join(re.escape(m) for m in marks)
    parts = [p.strip() for p in re.split(pattern, text)]
    if len(parts) != len(fields):
        raise SubjectError(
            f"expected {len(fields)} parts separated by {' or '.join(marks)}, found {len(parts)}"
        )
    values = dict(zip(fields, parts, strict=True))
    urgencies = _lookup(urgency)
    raw_urgency = values.get("urgency", "standard").strip("[] ")
    level = urgencies.get(raw_urgency.casefold())
    if level is None:
        raise SubjectError(f"unknown urgency {raw_urgency!r}")
    types = _lookup(request_types)
    named = [t for t in _TYPE_SPLIT.split(values.get("request_type", "")) if t]
    codes = []
    for name in named:
        code = types.get(name.casefold())
        if code is None:
            raise SubjectError(f"unknown request type {name!r}")
        codes.append(code)
    if not codes:
        raise SubjectError("no request type")
    organisation = values.get("organisation", "")
    number = values.get("case_number", "")
    if not organisation or not number:
        raise SubjectError("the organisation and the case number cannot be empty")
    return ParsedSubject(level, organisation, number, tuple(dict.fromkeys(codes)))
