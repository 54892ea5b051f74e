"""Creating and filling in a request: the draft, its targets, documents and messages."""

from __future__ import annotations

import uuid
from typing import IO, Any

from django.db import transaction

from lers.accounts.models import Role, User
from lers.accounts.roles import roles_of
from lers.agencies.models import Officer
from lers.audit.services import audit_record
from lers.cases.lifecycle import State
from lers.cases.models import Case, Document, Entity, Message, Target
from lers.cases.selectors import case_get_for_staff
from lers.cases.services.access import (
    lock_case,
    officer_of,
    require_case_worker,
    require_officer_on_case,
)
from lers.core.errors import DomainError, IllegalTransition, NotPermitted
from lers.core.policy import active_policy
from lers.core.text import clean_text
from lers.core.uploads import upload_check
from lers.identifiers import Verdict, validate

DRAFT_FIELDS = frozenset(
    {
        "title",
        "urgency",
        "urgency_circumstances",
        "request_types",
        "agency_case_number",
        "legal_basis",
        "legal_clauses",
        "summary",
        "findings",
        "amount_tokens",
        "amount_usd",
        "timeframe_start",
        "timeframe_end",
        "data_categories",
        "duration_days",
        "non_disclosure_until",
        "consent_to_disclose",
        "consent_to_share_contact",
        "cross_border",
        "language",
        "callback_slots",
    }
)
TARGET_KINDS = frozenset(
    {"uid", "email", "phone", "name", "username", "address", "txid", "ip", "device", "other"}
)


def _check_request_types(types: list[str]) -> list[str]:
    known = active_policy().request_types
    if not types:
        raise DomainError("choose at least one request type")
    unknown = [t for t in types if t not in known]
    if unknown:
        raise DomainError(
            f"unknown request type(s): {', '.join(unknown)}; this deployment accepts "
            f"{', '.join(known)}"
        )
    return list(dict.fromkeys(types))


def _default_entity() -> Entity | None:
    """With a single entity there is nothing to route; with several, triage routes (JU-01)."""
    entities = list(Entity.objects.filter(active=True)[:2])
    return entities[0] if len(entities) == 1 else None


def case_create(
    *,
    officer_user: User,
    request_types: list[str],
    urgency: str = Case.Urgency.STANDARD,
    title: str = "",
    channel: str = Case.Channel.PORTAL,
) -> Case:
    officer = officer_of(officer_user)
    if officer.status != Officer.Status.ACTIVE:
        raise NotPermitted("your access has not been approved yet")
    if urgency not in Case.Urgency.values:
        raise DomainError(f"unknown urgency {urgency!r}")
    with transaction.atomic():
        case = Case.objects.create(
            reference=f"tmp-{uuid.uuid4().hex}",
            policy_profile=active_policy().profile.id,
            agency=officer.agency,
            entity=_default_entity(),
            created_by=officer,
            channel=channel,
            urgency=urgency,
            request_types=_check_request_types(request_types),
            title=title,
        )
        # The primary key makes the reference unique without a second counter.
        case.reference = f"LERS-{case.created_at:%Y}-{case.pk:06d}"
        case.save(update_fields=["reference"])
        case.officers.add(officer)
        audit_record(
            actor=officer_user,
            action="case.created",
            obj=case,
            case_ref=case.reference,
            payload={"request_types": case.request_types, "urgency": urgency, "channel": channel},
        )
    return case


def case_update_draft(*, case: Case, by: User, changes: dict[str, Any]) -> Case:
    unknown = sorted(set(changes) - DRAFT_FIELDS)
    if unknown:
        raise DomainError(f"these fields cannot be set on a request: {', '.join(unknown)}")
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        require_officer_on_case(case, by)
        if case.state != State.DRAFT:
            raise IllegalTransition("only a draft can be edited", state=case.state)
        if "request_types" in changes:
            changes["request_types"] = _check_request_types(changes["request_types"])
        if "urgency" in changes and changes["urgency"] not in Case.Urgency.values:
            raise DomainError(f"unknown urgency {changes['urgency']!r}")
        start, end = (
            changes.get("timeframe_start", case.timeframe_start),
            changes.get("timeframe_end", case.timeframe_end),
        )
        if start is not None and end is not None and start > end:
            raise DomainError("the timeframe ends before it starts")
        for name, value in changes.items():
            setattr(case, name, clean_text(value) if isinstance(value, str) else value)
        case.save(update_fields=[*changes, "updated_at"])
        audit_record(
            actor=by,
            action="case.edited",
            obj=case,
            case_ref=case.reference,
            payload={"fields": sorted(changes)},
        )
    return case


def case_add_officer(*, case: Case, by: User, colleague: Officer) -> None:
    """A colleague of the same agency joins the case (X-03)."""
    with transaction.atomic():
        case = lock_case(case)
        require_officer_on_case(case, by)
        if colleague.agency_id != case.agency_id:
            raise NotPermitted("only officers of the same agency can be added")
        if colleague.status != Officer.Status.ACTIVE:
            raise DomainError("that colleague's access is not active")
        case.officers.add(colleague)
        audit_record(
            actor=by,
            action="case.officer_added",
            obj=case,
            case_ref=case.reference,
            payload={"officer_id": colleague.pk},
        )


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
    if kind not in TARGET_KINDS:
        raise DomainError(f"unknown target kind {kind!r}; one of {', '.join(sorted(TARGET_KINDS))}")
    value = clean_text(value)
    if not value:
        raise DomainError("the identifier is empty")
    with transaction.atomic():
        case = lock_case(case)
        require_officer_on_case(case, by)
        if case.state != State.DRAFT:
            raise IllegalTransition("targets are added while the request is a draft")
        check = _check_identifier(case, kind, value, chain)
        target = Target.objects.create(
            case=case,
            kind=kind,
            value=value,
            normalised=check.normalised if check else value,
            chain=chain or (check.chains[0] if check and len(check.chains) == 1 else ""),
            memo=clean_text(memo),
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


# Target kinds that lers.identifiers checks, and the name it gives them.
_IDENTIFIER_KINDS = {
    "address": "address",
    "txid": "tx_hash",
    "email": "email",
    "phone": "phone",
    "ip": "ip",
    "uid": "user_id",
}


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
        raise DomainError(str(exc)) from None


def document_add(
    *,
    case: Case,
    by: User,
    doc_type: str,
    name: str,
    content: bytes | IO[bytes],
    content_type: str = "",
) -> Document:
    """Attach a file: its type is judged by its content (``lers.core.uploads``), not its name."""
    if doc_type not in active_policy().document_types:
        raise DomainError(f"unknown document type {doc_type!r}")
    upload = upload_check(name=name, content=content)
    with transaction.atomic():
        case = lock_case(case)
        if Role.OFFICER in roles_of(by):
            require_officer_on_case(case, by)
            if case.state not in (State.DRAFT, State.AWAITING_INFORMATION):
                raise IllegalTransition(
                    "documents are added to a draft, or when the exchange asks for more",
                    state=case.state,
                )
        else:
            require_case_worker(case, by)
        document = Document(
            case=case,
            doc_type=doc_type,
            original_name=upload.name,
            content_type=upload.content_type,
            size=upload.size,
            sha256=upload.sha256,
            uploaded_by=by,
        )
        document.file.save(name, upload.file, save=False)
        document.save()
        audit_record(
            actor=by,
            action="case.document_added",
            obj=document,
            case_ref=case.reference,
            payload={
                "doc_type": doc_type,
                "sha256": document.sha256,
                "size": upload.size,
                "content_type": upload.content_type,
                "declared_type": content_type[:200],
            },
        )
    return document


def message_post(
    *, case: Case, by: User, body: str, visibility: str = Message.Visibility.SHARED
) -> Message:
    body = clean_text(body)
    if not body:
        raise DomainError("the message is empty")
    with transaction.atomic():
        case = lock_case(case)
        if Role.OFFICER in roles_of(by):
            require_officer_on_case(case, by)
            if case.state == State.DRAFT:
                raise IllegalTransition("submit the request before writing to the exchange")
            visibility = Message.Visibility.SHARED
        else:
            require_case_worker(case, by)
        return message_create(case=case, by=by, body=body, visibility=visibility)


def message_create(
    *, case: Case, by: User, body: str, visibility: str, is_question: bool = False
) -> Message:
    message = Message.objects.create(
        case=case, author=by, visibility=visibility, body=body, is_question=is_question
    )
    audit_record(
        actor=by,
        action="case.message_posted",
        obj=message,
        case_ref=case.reference,
        payload={"visibility": visibility, "question": is_question},
    )
    return message


def case_open_for_staff(*, user: User, reference: str) -> Case:
    """A staff member opens a case: the read itself is on the record (X-07)."""
    case = case_get_for_staff(user, reference)
    audit_record(actor=user, action="case.viewed", obj=case, case_ref=case.reference)
    return case
