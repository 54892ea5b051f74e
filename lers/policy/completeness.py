"""What a request still lacks under a policy: the live checklist shown before submission.

Pure data in, pure data out: the cases app gathers the facts of a case, this module says
which of the profile's requirements they do not meet yet.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from lers.policy.schema import Policy, Requirement


@dataclass(frozen=True)
class RequestFacts:
    request_types: frozenset[str]
    urgency: str = "standard"
    cross_border: bool = False
    language: str = "en"
    documents: Mapping[str, int] = field(default_factory=dict)  # document type -> count
    fields: frozenset[str] = frozenset()  # request fields that are filled in
    # document type -> the officers its documents name (``officer_key``), for officers' IDs
    officers_named: Mapping[str, frozenset[str]] = field(default_factory=dict)


def officer_key(name: str) -> str:
    """An officer's name as the count of distinct officers compares it (JU-07): case and
    spacing do not make another officer."""
    return " ".join(name.split()).casefold()


@dataclass(frozen=True)
class Gap:
    requirement: Requirement
    documents_any_of: tuple[str, ...]
    documents_have: int
    documents_need: int
    fields_missing: tuple[str, ...]

    @property
    def blocking(self) -> bool:
        return self.requirement.blocking

    @property
    def ref(self) -> list[str]:
        return self.requirement.ref

    def message(self, language: str = "en") -> str:
        """The requirement's message for a reader of ``language`` (zh-Hant: the profile's
        traditional text, else its simplified one)."""
        rule = self.requirement
        if not language.lower().startswith("zh"):
            return rule.message
        if traditional(language) and rule.message_zh_hant:
            return rule.message_zh_hant
        return rule.message_zh


def traditional(language: str) -> bool:
    """A reader of traditional characters (zh-Hant, zh-HK, zh-TW, zh-MO)."""
    return language.lower().startswith(("zh-hant", "zh-hk", "zh-tw", "zh-mo"))


def _applies(rule: Requirement, facts: RequestFacts, policy: Policy) -> bool:
    if "*" not in rule.request_types and not facts.request_types.intersection(rule.request_types):
        return False
    match rule.when:
        case "always":
            return True
        case "cross_border":
            return facts.cross_border
        case "urgent":
            return facts.urgency in ("urgent", "emergency")
        case "emergency":
            return facts.urgency == "emergency"
        case "not_form_language":
            form = policy.languages.form_language
            return form is not None and facts.language.lower().split("-")[0] != form
        case "non_accepted_language":
            primary = facts.language.lower().split("-")[0]
            return primary not in policy.languages.accepted
    raise AssertionError(rule.when)


def evaluate(policy: Policy, facts: RequestFacts) -> list[Gap]:
    """The policy's requirements that these facts do not meet, in profile order."""
    gaps: list[Gap] = []
    for rule in policy.requirements:
        if not _applies(rule, facts, policy):
            continue
        if rule.count == "distinct_officers":
            # "At least two officers' work IDs": two files of one officer are one officer.
            named = set[str]().union(
                *(facts.officers_named.get(code, frozenset()) for code in rule.documents_any_of)
            )
            have, need = len(named), policy.officer_verification.min_officer_ids
        else:
            have = sum(facts.documents.get(code, 0) for code in rule.documents_any_of)
            need = rule.min_count if rule.documents_any_of else 0
        missing_fields = tuple(name for name in rule.fields if name not in facts.fields)
        if have < need or missing_fields:
            gaps.append(
                Gap(
                    requirement=rule,
                    documents_any_of=tuple(rule.documents_any_of),
                    documents_have=have,
                    documents_need=need,
                    fields_missing=missing_fields,
                )
            )
    return gaps
