"""Load a policy profile from TOML into a typed, cross-checked ``Policy``.

Every failure is a ``PolicyError`` naming the file and the dotted key, so a bad profile stops
start-up with a message an operator can act on.
"""

from __future__ import annotations

import functools
import tomllib
import zoneinfo
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from lers.policy.schema import Policy, is_code

PROFILES_DIR = Path(__file__).resolve().parent / "profiles"


class PolicyError(Exception):
    """A profile that cannot be used; ``str()`` names the file and the key."""

    def __init__(self, file: Path | str, problems: list[tuple[str, str]]) -> None:
        self.file = str(file)
        self.problems = problems
        lines = [f"{self.file}: {key or '(top level)'}: {message}" for key, message in problems]
        super().__init__("invalid policy profile\n" + "\n".join(lines))


def shipped_profiles() -> dict[str, Path]:
    return {path.stem: path for path in sorted(PROFILES_DIR.glob("*.toml"))}


def resolve(name_or_path: str) -> Path:
    """A shipped profile's name (``ju``) or a path to a custom TOML file."""
    shipped = shipped_profiles()
    if name_or_path in shipped:
        return shipped[name_or_path]
    path = Path(name_or_path).expanduser()
    if path.suffix == ".toml" and path.exists():
        return path.resolve()
    raise PolicyError(
        name_or_path,
        [("", f"no such profile; shipped: {', '.join(shipped)}, or give a path to a .toml file")],
    )


def load_file(path: Path) -> Policy:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise PolicyError(path, [("", f"cannot read: {exc}")]) from exc
    except tomllib.TOMLDecodeError as exc:
        raise PolicyError(path, [("", f"not valid TOML: {exc}")]) from exc
    return parse(data, source=path)


def parse(data: dict[str, Any], *, source: Path | str = "<profile>") -> Policy:
    try:
        policy = Policy.model_validate(data)
    except ValidationError as exc:
        raise PolicyError(source, [_describe(error) for error in exc.errors()]) from None
    problems = list(_cross_references(policy))
    if problems:
        raise PolicyError(source, problems)
    return policy


@functools.lru_cache(maxsize=16)
def load(name_or_path: str) -> Policy:
    """The profile, parsed once per process."""
    return load_file(resolve(name_or_path))


def _describe(error: Any) -> tuple[str, str]:
    key = ".".join(str(part) for part in error["loc"])
    if error["type"] == "extra_forbidden":
        return key, "unknown key"
    if error["type"] == "missing":
        return key, "required key is missing"
    return key, f"{error['msg']} (got {error.get('input')!r})"


def _cross_references(policy: Policy) -> Iterator[tuple[str, str]]:
    """What pydantic cannot see: codes that must name something defined elsewhere."""
    documents = set(policy.document_types)
    types = set(policy.request_types)

    for section, section_codes in (
        ("request_types", types),
        ("document_types", documents),
        ("decline_reasons", set(policy.decline_reasons)),
    ):
        for code in section_codes:
            if not is_code(code):
                yield f"{section}.{code}", "codes are lower-case slugs (a-z, 0-9, _)"

    def known_documents(key: str, codes: list[str]) -> Iterator[tuple[str, str]]:
        for index, code in enumerate(codes):
            if code not in documents:
                yield f"{key}.{index}", f"unknown document type {code!r}"

    yield from known_documents("legal.instruments_accepted", policy.legal.instruments_accepted)
    yield from known_documents(
        "officer_verification.proof_of_authority_any_of",
        policy.officer_verification.proof_of_authority_any_of,
    )
    yield from known_documents(
        "cross_border.channel_documents_any_of", policy.cross_border.channel_documents_any_of
    )
    written = policy.served.personal_email_with_written_authorisation
    if written is not None:
        key = "served.personal_email_with_written_authorisation"
        if written not in policy.officer_verification.proof_of_authority_any_of:
            yield (
                key,
                (
                    f"{written!r} is not one of officer_verification.proof_of_authority_any_of, "
                    "so an access request could not carry it"
                ),
            )
        if policy.served.non_government_email == "accept":
            # Every address is accepted already: the exception would never act.
            yield key, "needs served.non_government_email = refuse or hold"
    seen_ids: set[str] = set()
    for index, rule in enumerate(policy.requirements):
        key = f"requirements.{index}"
        if rule.id in seen_ids:
            yield f"{key}.id", f"duplicate requirement id {rule.id!r}"
        seen_ids.add(rule.id)
        for position, code in enumerate(rule.request_types):
            if code != "*" and code not in types:
                yield f"{key}.request_types.{position}", f"unknown request type {code!r}"
        yield from known_documents(f"{key}.documents_any_of", rule.documents_any_of)
        if not rule.documents_any_of and not rule.fields:
            yield key, "a requirement needs documents_any_of or fields"
        if rule.count == "distinct_officers":
            if not rule.documents_any_of:
                yield f"{key}.count", "distinct_officers counts the officers documents name"
            if "min_count" in rule.model_fields_set:
                yield (
                    f"{key}.min_count",
                    "the number of officers is officer_verification.min_officer_ids",
                )
    yield from _acting_keys(policy)
    for code in policy.email_subject.request_types:
        if code not in types:
            yield f"email_subject.request_types.{code}", f"unknown request type {code!r}"
    sla = policy.sla
    if sla.review_business_days_min is not None and (
        sla.review_business_days_min > sla.review_business_days_max
    ):
        yield "sla.review_business_days_min", "greater than review_business_days_max"
    if sla.emergency_hours > sla.urgent_hours:
        yield "sla.emergency_hours", "an emergency clock cannot be longer than the urgent one"
    if policy.preservation.days > policy.preservation.max_days:
        yield "preservation.days", "the default hold is longer than preservation.max_days"
    freeze = policy.freeze
    # Without the question there is no "without consent": these would never act (HX-10, HX-11).
    if not freeze.consent_to_disclose_asked:
        if freeze.without_consent_max_days is not None:
            yield "freeze.without_consent_max_days", "needs freeze.consent_to_disclose_asked"
        if freeze.without_consent_limit_published:
            yield "freeze.without_consent_limit_published", "needs freeze.consent_to_disclose_asked"
        if "freeze_without_consent" in policy.notification.withhold_when:
            yield (
                "notification.withhold_when",
                "freeze_without_consent needs freeze.consent_to_disclose_asked",
            )
    elif freeze.without_consent_limit_published and freeze.without_consent_max_days is None:
        yield "freeze.without_consent_limit_published", "no without_consent_max_days to publish"
    entity_codes: set[str] = set()
    for index, entity in enumerate(policy.entities):
        if entity.code in entity_codes:
            yield f"entities.{index}.code", f"duplicate entity code {entity.code!r}"
        entity_codes.add(entity.code)
        try:
            zoneinfo.ZoneInfo(entity.timezone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            yield f"entities.{index}.timezone", f"unknown time zone {entity.timezone!r}"


def _acting_keys(policy: Policy) -> Iterator[tuple[str, str]]:
    """Keys that would decide nothing as written: a number no rule counts, a check with
    nothing to check, a permission with no length."""
    counted = any(r.count == "distinct_officers" for r in policy.requirements)
    if policy.officer_verification.min_officer_ids and not counted:
        yield (
            "officer_verification.min_officer_ids",
            'no requirement counts officers\' IDs (count = "distinct_officers")',
        )
    sealed = [code for code, t in policy.document_types.items() if t.bears_seal]
    if policy.formats.seal_or_signature == "not_required" and sealed:
        yield (
            f"document_types.{sealed[0]}.bears_seal",
            'formats.seal_or_signature is "not_required": nothing would check it',
        )
    elif policy.formats.seal_or_signature != "not_required" and not sealed:
        yield "formats.seal_or_signature", "no document type bears_seal"
    sla = policy.sla
    if sla.complex_cases_may_take_longer and sla.complex_extra_business_days is None:
        yield "sla.complex_extra_business_days", "say how much longer a complex case may take"
    if not sla.complex_cases_may_take_longer and sla.complex_extra_business_days is not None:
        yield "sla.complex_extra_business_days", "needs sla.complex_cases_may_take_longer"
