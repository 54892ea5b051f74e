"""The identifiers a request names: typed one by one, or found in pasted text or a fund-flow
sheet and confirmed by the officer before they become targets (X-10)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import IO

from django.db import transaction
from django.utils.translation import gettext as _

from lers.accounts.models import User
from lers.audit.services import audit_record
from lers.cases.lifecycle import State
from lers.cases.models import Case, Document, Target
from lers.cases.services.access import lock_case, require_officer_on_case
from lers.cases.services.documents import Attachment, attachment_check, document_store
from lers.core.errors import DomainError, IllegalTransition
from lers.core.policy import active_policy
from lers.core.text import clean_text
from lers.identifiers import Found, Hints, Verdict, extract, validate
from lers.identifiers.documents import document_text
from lers.identifiers.model import canonical_chain

TARGET_KINDS = frozenset(Target.Kind.values)
# Target kinds that lers.identifiers checks, and the name it gives them.
_IDENTIFIER_KINDS = {
    "address": "address",
    "txid": "tx_hash",
    "email": "email",
    "phone": "phone",
    "ip": "ip",
    "uid": "user_id",
}
_TARGET_KIND_OF = {found: target for target, found in _IDENTIFIER_KINDS.items()}
# Most identifiers a confirmation may add at once: a fund-flow sheet rarely names more, and a
# bigger list is not something a person confirms line by line.
MAX_CANDIDATES = 500
# The document type a fund-flow sheet is kept as (every shipped profile has it).
FUND_FLOW = "fund_flow"


def _check_identifier(case: Case, kind: str, value: str, chain: str) -> Verdict | None:
    checked_kind = _IDENTIFIER_KINDS.get(kind)
    if checked_kind is None:
        return None
    try:
        return validate(
            value,
            kind=checked_kind,
            chain=chain or None,
            default_region=case.agency.country,
            uid_pattern=active_policy().identifiers.uid_pattern,
        )
    except ValueError as exc:  # a chain name lers does not know
        raise DomainError(str(exc), field="chain") from None


def _require_draft(case: Case, by: User) -> Case:
    locked = lock_case(case)
    require_officer_on_case(locked, by)
    if locked.state != State.DRAFT:
        raise IllegalTransition(
            _("targets change while the request is a draft"), state=locked.state
        )
    return locked


def _create(
    case: Case,
    by: User,
    kind: str,
    value: str,
    chain: str,
    memo: str,
    note: str,
    skip: set[tuple[str, str, str]] | None = None,
) -> Target | None:
    """Creates the target, or returns None when it is already in ``skip`` (see ``_key``)."""
    if kind not in TARGET_KINDS:
        raise DomainError(
            f"unknown target kind {kind!r}; one of {', '.join(sorted(TARGET_KINDS))}", field="kind"
        )
    value = clean_text(value)
    if not value:
        raise DomainError(_("the identifier is empty"), field="value")
    chain = canonical_chain(chain) if chain else ""
    check = _check_identifier(case, kind, value, chain)
    normalised = (check.normalised if check else value)[:500]
    memo = clean_text(memo)[:200]
    if skip is not None:
        key = _key(kind, normalised, memo)
        if key in skip:
            return None
        skip.add(key)
    target = Target.objects.create(
        case=case,
        kind=kind,
        value=value[:500],
        normalised=normalised,
        chain=chain or (check.chains[0] if check and len(check.chains) == 1 else ""),
        memo=memo,
        note=clean_text(note),
        # Officers mistype: an identifier that fails its checksum is kept, marked, explained.
        valid=check.valid if check else None,
        check_reason=(check.reason if check else "")[:300],
    )
    audit_record(
        actor=by,
        action="case.target_added",
        obj=target,
        case_ref=case.reference,
        payload={"kind": kind, "valid": target.valid},
    )
    return target


def target_add(
    *,
    case: Case,
    by: User,
    kind: str,
    value: str,
    chain: str = "",
    memo: str = "",
    note: str = "",
) -> Target:
    with transaction.atomic():
        case = _require_draft(case, by)
        target = _create(case, by, kind, value, chain, memo, note)
        assert target is not None  # nothing is skipped without a skip set
        return target


def target_remove(*, target: Target, by: User) -> None:
    with transaction.atomic():
        case = _require_draft(target.case, by)
        deleted, _by_model = Target.objects.filter(pk=target.pk, case=case).delete()
        if deleted:
            audit_record(
                actor=by,
                action="case.target_removed",
                obj=case,
                case_ref=case.reference,
                payload={"target_id": target.pk, "kind": target.kind},
            )


@dataclass(frozen=True)
class Candidate:
    """An identifier found in the officer's text, waiting for the officer to confirm it."""

    kind: str  # a target kind
    value: str  # as written
    normalised: str
    chains: tuple[str, ...]
    chain: str  # the suggestion: the chain named beside it, or the only one it fits
    memo: str
    valid: bool
    reason: str
    on_case: bool  # already a target of this request


def _suggested_chain(found: Found) -> str:
    if found.label:
        named = canonical_chain(found.label.split()[-1])
        if named in found.chains:
            return named
    return found.chains[0] if found.chains else ""


def _key(kind: str, normalised: str, memo: str) -> tuple[str, str, str]:
    """What makes a target the same: on chains with shared deposit addresses (XRP, TON...) the
    memo or tag is what names the account, so one address with two memos is two targets."""
    return (kind, normalised, memo.strip())


def target_candidates(*, case: Case, text: str) -> list[Candidate]:
    """Every identifier in ``text`` that can be a target, in order, without duplicates.

    A memo or tag written after an address goes with that address (XRP, TON, ...); a private
    key is never offered: it is not an identifier of an account, and it is not kept.
    """
    identifiers = active_policy().identifiers
    found = extract(
        text,
        hints=Hints(
            default_region=case.agency.country,
            uid_pattern=identifiers.uid_pattern,
            uid_label=identifiers.uid_label,
        ),
    )
    listed: list[Candidate] = []
    for item in found:
        if item.kind == "memo":
            if listed and listed[-1].kind == "address" and not listed[-1].memo:
                last = listed[-1]
                listed[-1] = Candidate(**{**last.__dict__, "memo": item.normalised})
            continue
        kind = _TARGET_KIND_OF.get(item.kind)
        if kind is None:
            continue
        listed.append(
            Candidate(
                kind=kind,
                value=item.text.replace("\n", ""),
                normalised=item.normalised,
                chains=item.chains,
                chain=_suggested_chain(item),
                memo=item.tag or "",
                valid=item.valid,
                reason=item.reason,
                on_case=False,
            )
        )
    existing = {_key(*row) for row in case.targets.values_list("kind", "normalised", "memo")}
    candidates: list[Candidate] = []
    seen: set[tuple[str, str, str]] = set()
    for candidate in listed:
        key = _key(candidate.kind, candidate.normalised, candidate.memo)
        if key not in seen:
            seen.add(key)
            candidates.append(Candidate(**{**candidate.__dict__, "on_case": key in existing}))
    return candidates[:MAX_CANDIDATES]


def fund_flow_sheet_add(
    *, case: Case, by: User, name: str, content: bytes | IO[bytes]
) -> tuple[Document, list[Candidate]]:
    """A fund-flow sheet (CSV, XLSX, PDF, DOCX): read first, then kept on the request as its
    fund-flow document (it is evidence), with the identifiers in it listed for confirmation.
    A file that cannot be read is refused before anything is stored."""
    upload = attachment_check(Attachment(doc_type=FUND_FLOW, name=name, content=content))
    upload.file.seek(0)
    data = upload.file.read()
    upload.file.seek(0)
    try:
        text = document_text(upload.name, data)
    except Exception as exc:  # a damaged file: the reader's own words, not a server error
        raise DomainError(
            _("%(name)s could not be read: %(reason)s") % {"name": upload.name, "reason": exc}
        ) from None
    with transaction.atomic():
        locked = _require_draft(case, by)
        document = document_store(case=locked, by=by, doc_type=FUND_FLOW, upload=upload)
    return document, target_candidates(case=locked, text=text)


@dataclass(frozen=True)
class Confirmed:
    """One identifier the officer confirmed, with the chain and memo as they left them."""

    kind: str
    value: str
    chain: str = ""
    memo: str = ""


def targets_confirm(*, case: Case, by: User, items: list[Confirmed]) -> list[Target]:
    """Adds the confirmed identifiers in one transaction: all of them, or none and the reason."""
    if not items:
        raise DomainError(_("tick at least one identifier to add"))
    if len(items) > MAX_CANDIDATES:
        raise DomainError(f"at most {MAX_CANDIDATES} identifiers at a time")
    with transaction.atomic():
        case = _require_draft(case, by)
        existing = {_key(*row) for row in case.targets.values_list("kind", "normalised", "memo")}
        added = []
        for item in items:
            target = _create(case, by, item.kind, item.value, item.chain, item.memo, "", existing)
            if target is not None:
                added.append(target)
    return added
