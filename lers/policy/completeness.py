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
        return (
            self.requirement.message_zh if language.startswith("zh") else self.requirement.message
        )


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
