"""Use cases of a request: create, fill in, attach, and move it through its lifecycle.

One function per use case; every change writes its audit event in the same transaction, and
every transition goes through ``_move``, which enforces the table of ``lifecycle``.
"""

from __future__ import annotations

import hashlib
import uuid
from collections import Counter
from typing import IO, Any

from django.conf import settings
from django.core.files.base import ContentFile, File
from django.db import transaction
from django.utils import timezone

from lers.accounts.models import Role, User
from lers.accounts.roles import roles_of
from lers.agencies.models import Officer
from lers.audit.services import audit_record
from lers.cases.deadlines import (
    deadline_finish,
    deadline_pause,
    deadline_resume,
    deadline_start,
    deadlines_recompute,
)
from lers.cases.lifecycle import TRANSITIONS, Guard, State
from lers.cases.models import Case, Deadline, Document, Entity, Message, Target
from lers.cases.selectors import case_get_for_staff
from lers.core.errors import DomainError, GuardFailed, IllegalTransition, NotPermitted
from lers.core.policy import active_policy
from lers.core.text import clean_text
from lers.policy.completeness import Gap, RequestFacts, evaluate

# Fields an officer fills in on a draft; anything else is refused by case_update_draft.
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


def _officer_of(user: User) -> Officer:
    officer = getattr(user, "officer", None)
    if officer is None:
        raise NotPermitted("only an officer can do this")
    return officer


def _require_officer_on_case(case: Case, user: User) -> Officer:
    officer = _officer_of(user)
    if officer.status != Officer.Status.ACTIVE:
        raise NotPermitted("your access is not active")
    if officer.agency_id != case.agency_id or not case.officers.filter(pk=officer.pk).exists():
        raise NotPermitted("you are not on this case")
    return officer


# Staff who work on cases; auditors read and administrators configure, neither writes to a case.
CASE_WORKERS = frozenset({Role.INTAKE_ANALYST, Role.LEGAL_REVIEWER, Role.APPROVER, Role.OPERATOR})


def _require_case_worker(case: Case, user: User) -> None:
    if not roles_of(user) & CASE_WORKERS:
        raise NotPermitted("your role does not allow changing cases")
    if case.state == State.DRAFT:
        raise NotPermitted("a draft belongs to its agency until it is submitted")


def _lock(case: Case) -> Case:
    return Case.objects.select_for_update().get(pk=case.pk)


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
    officer = _officer_of(officer_user)
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
        _require_officer_on_case(case, by)
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
        case = _lock(case)
        _require_officer_on_case(case, by)
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
    normalised = value.lower() if kind == "email" else value
    with transaction.atomic():
        case = _lock(case)
        _require_officer_on_case(case, by)
        if case.state != State.DRAFT:
            raise IllegalTransition("targets are added while the request is a draft")
        target = Target.objects.create(
            case=case,
            kind=kind,
            value=value,
            normalised=normalised,
            chain=chain,
            memo=memo,
            note=note,
        )
        audit_record(
            actor=by,
            action="case.target_added",
            obj=target,
            case_ref=case.reference,
            payload={"kind": kind},
        )
    return target


def document_add(
    *,
    case: Case,
    by: User,
    doc_type: str,
    name: str,
    content: bytes | IO[bytes],
    content_type: str = "",
) -> Document:
    """Attach a file. Type checks beyond the policy's document types come with the portal."""
    if doc_type not in active_policy().document_types:
        raise DomainError(f"unknown document type {doc_type!r}")
    file = ContentFile(content, name=name) if isinstance(content, bytes) else File(content)
    digest = hashlib.sha256()
    size = 0
    for chunk in file.chunks():
        digest.update(chunk)
        size += len(chunk)
    if size == 0:
        raise DomainError("the file is empty")
    if size > settings.LERS_MAX_UPLOAD_BYTES:
        raise DomainError(f"the file is larger than {settings.LERS_MAX_UPLOAD_BYTES // 2**20} MB")
    file.seek(0)
    with transaction.atomic():
        case = _lock(case)
        if Role.OFFICER in roles_of(by):
            _require_officer_on_case(case, by)
            if case.state not in (State.DRAFT, State.AWAITING_INFORMATION):
                raise IllegalTransition(
                    "documents are added to a draft, or when the exchange asks for more",
                    state=case.state,
                )
        else:
            _require_case_worker(case, by)
        document = Document(
            case=case,
            doc_type=doc_type,
            original_name=name[:300],
            content_type=content_type[:200],
            size=size,
            sha256=digest.hexdigest(),
            uploaded_by=by,
        )
        document.file.save(name, file, save=False)
        document.save()
        audit_record(
            actor=by,
            action="case.document_added",
            obj=document,
            case_ref=case.reference,
            payload={"doc_type": doc_type, "sha256": document.sha256, "size": size},
        )
    return document


def message_post(
    *, case: Case, by: User, body: str, visibility: str = Message.Visibility.SHARED
) -> Message:
    body = clean_text(body)
    if not body:
        raise DomainError("the message is empty")
    with transaction.atomic():
        case = _lock(case)
        if Role.OFFICER in roles_of(by):
            _require_officer_on_case(case, by)
            if case.state == State.DRAFT:
                raise IllegalTransition("submit the request before writing to the exchange")
            visibility = Message.Visibility.SHARED
        else:
            _require_case_worker(case, by)
        return _message_create(case=case, by=by, body=body, visibility=visibility)


def _message_create(
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


# --- completeness --------------------------------------------------------------------------


def case_facts(case: Case) -> RequestFacts:
    documents = Counter(case.documents.values_list("doc_type", flat=True))
    target_kinds = set(case.targets.values_list("kind", flat=True))
    creator = case.created_by
    filled = {
        "officer_contacts": creator is not None and _has_official_contacts(creator),
        "legal_basis": bool(case.legal_basis.strip()),
        "legal_clauses": bool(case.legal_clauses.strip()),
        "case_number": bool(case.agency_case_number.strip()),
        "summary": bool(case.summary.strip()),
        "findings": bool(case.findings.strip()),
        "amount": bool(case.amount_tokens.strip()) or case.amount_usd is not None,
        "timeframe": case.timeframe_start is not None and case.timeframe_end is not None,
        "duration": case.duration_days is not None,
        "targets": bool(target_kinds),
        # The form's fund-flow section: a fund-flow sheet, or the addresses and TXIDs typed in.
        "fund_flow": documents["fund_flow"] > 0 or bool(target_kinds & {"address", "txid"}),
        "services": case.services.exists(),
        "urgency_circumstances": bool(case.urgency_circumstances.strip()),
        "callback_slots": bool(case.callback_slots.strip()),
        "data_categories": bool(case.data_categories),
    }
    return RequestFacts(
        request_types=frozenset(case.request_types),
        urgency=case.urgency,
        cross_border=case.cross_border,
        language=case.language,
        documents=dict(documents),
        fields=frozenset(name for name, ok in filled.items() if ok),
    )


def _has_official_contacts(officer: Officer) -> bool:
    """The contacts the profile asks for (JU-07, HX-05); the email on an agency domain."""
    email = officer.user.email.lower()
    domain = email.rpartition("@")[2]
    domains = [d.lower() for d in officer.agency.email_domains]
    have = {
        "agency_email": bool(email)
        and (not domains or any(domain == d or domain.endswith("." + d) for d in domains)),
        "office_landline": bool(officer.office_phone),
        "work_mobile": bool(officer.mobile_phone),
    }
    return all(have[c] for c in active_policy().officer_verification.official_contacts)


def case_checklist(case: Case) -> list[Gap]:
    """What the policy still asks of this request (the live checklist)."""
    return evaluate(active_policy(), case_facts(case))


# --- lifecycle -----------------------------------------------------------------------------


def _move(
    *,
    case: Case,
    name: str,
    by: User,
    reason: str = "",
    payload: dict[str, Any] | None = None,
    decline_reasons: list[str] | None = None,
) -> Case:
    """Checks state, role and guards, moves the case, and records the transition."""
    transition = TRANSITIONS[name]
    reason = clean_text(reason)
    locked = _lock(case)
    if locked.state not in transition.sources:
        raise IllegalTransition(
            f"cannot {name.replace('_', ' ')} a case that is {locked.get_state_display().lower()}",
            state=locked.state,
            transition=name,
        )
    if not transition.allows_role(roles_of(by)):
        raise NotPermitted(f"your role does not allow '{name.replace('_', ' ')}'")
    extra = dict(payload or {})
    for guard in transition.guards:
        if guard is Guard.OFFICER_ON_CASE:
            _require_officer_on_case(locked, by)
        elif guard is Guard.REASON and not reason.strip():
            raise GuardFailed(f"'{name.replace('_', ' ')}' needs a message")
        elif guard is Guard.ENTITY and locked.entity_id is None:
            raise GuardFailed("route the case to one of the exchange's entities first")
        elif guard is Guard.DECLINE_REASONS:
            _check_decline_reasons(decline_reasons or [])
            extra["decline_reasons"] = decline_reasons
        elif guard is Guard.CHECKLIST:
            extra.update(_checklist_guard(locked))
    previous = locked.state
    locked.state = transition.target
    fields = ["state", "updated_at"]
    if transition.target in (State.CLOSED, State.DECLINED, State.WITHDRAWN):
        locked.closed_at = timezone.now()
        fields.append("closed_at")
    if "incomplete" in extra:
        locked.incomplete = extra["incomplete"]
        fields.append("incomplete")
    if decline_reasons:
        locked.decline_reasons = decline_reasons
        fields.append("decline_reasons")
    locked.save(update_fields=fields)
    audit_record(
        actor=by,
        action=f"case.{name}",
        obj=locked,
        case_ref=locked.reference,
        payload={"from": previous, "to": locked.state, "reason": reason, **extra},
    )
    return locked


def _check_decline_reasons(codes: list[str]) -> None:
    known = active_policy().decline_reasons
    if not codes:
        raise GuardFailed("a decline names at least one of the policy's reasons")
    unknown = [c for c in codes if c not in known]
    if unknown:
        raise GuardFailed(f"unknown decline reason(s): {', '.join(unknown)}")


def _checklist_guard(case: Case) -> dict[str, Any]:
    blocking = [gap for gap in case_checklist(case) if gap.blocking]
    if not blocking:
        return {"incomplete": False}
    if active_policy().intake.incomplete_submission == "refused":
        raise GuardFailed(
            "the request is incomplete: " + " ".join(gap.message() for gap in blocking),
            missing=[gap.requirement.id for gap in blocking],
        )
    return {"incomplete": True, "missing": [gap.requirement.id for gap in blocking]}


def case_submit(*, case: Case, by: User) -> Case:
    with transaction.atomic():
        case = _move(case=case, name="submit", by=by)
        case.submitted_at = timezone.now()
        case.save(update_fields=["submitted_at"])
        deadline_start(case=case, kind=Deadline.Kind.REVIEW, now=case.submitted_at)
    return case


def case_start_triage(*, case: Case, by: User) -> Case:
    with transaction.atomic():
        case = _move(case=case, name="start_triage", by=by)
        if case.assignee_id is None:
            case.assignee = by
            case.save(update_fields=["assignee"])
    return case


def case_request_information(*, case: Case, by: User, question: str) -> Case:
    """Ask the agency (HX-13, JU-05): the review clock pauses until the agency answers."""
    with transaction.atomic():
        case = _move(case=case, name="request_information", by=by, reason=question)
        _message_create(
            case=case,
            by=by,
            body=clean_text(question),
            visibility=Message.Visibility.SHARED,
            is_question=True,
        )
        deadline_pause(case=case, kind=Deadline.Kind.REVIEW)
        deadline_start(case=case, kind=Deadline.Kind.AGENCY_ANSWER)
    return case


def case_answer(*, case: Case, by: User, answer: str) -> Case:
    """The agency answers; the case goes back to the queue and the review clock resumes."""
    with transaction.atomic():
        case = _move(case=case, name="answer", by=by, reason=answer)
        _message_create(
            case=case, by=by, body=clean_text(answer), visibility=Message.Visibility.SHARED
        )
        deadline_finish(case=case, kind=Deadline.Kind.AGENCY_ANSWER)
        deadline_resume(case=case, kind=Deadline.Kind.REVIEW)
    return case


def case_route(*, case: Case, by: User, entity: Entity) -> Case:
    """Send the case to the legal entity that holds the subject's data (JU-01)."""
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        if not roles_of(by) & {Role.INTAKE_ANALYST, Role.LEGAL_REVIEWER}:
            raise NotPermitted("only intake analysts and legal reviewers route cases")
        if case.state not in (State.SUBMITTED, State.TRIAGE):
            raise IllegalTransition("a case is routed during triage", state=case.state)
        previous = case.entity.code if case.entity else None
        case.entity = entity
        case.save(update_fields=["entity", "updated_at"])
        audit_record(
            actor=by,
            action="case.routed",
            obj=case,
            case_ref=case.reference,
            payload={"from": previous, "to": entity.code},
        )
        deadlines_recompute(case=case)
    return case


def case_send_to_verification(*, case: Case, by: User) -> Case:
    with transaction.atomic():
        return _move(case=case, name="send_to_verification", by=by)


def case_verify(*, case: Case, by: User, note: str) -> Case:
    with transaction.atomic():
        return _move(case=case, name="verify", by=by, reason=note)


def case_approve(*, case: Case, by: User, note: str) -> Case:
    with transaction.atomic():
        case = _move(case=case, name="approve", by=by, reason=note)
        deadline_finish(case=case, kind=Deadline.Kind.REVIEW)
    return case


def case_decline(*, case: Case, by: User, reasons: list[str], message: str) -> Case:
    with transaction.atomic():
        case = _move(case=case, name="decline", by=by, reason=message, decline_reasons=reasons)
        deadline_finish(case=case, kind=Deadline.Kind.REVIEW)
        deadline_finish(case=case, status=Deadline.Status.STOPPED)
    return case


def case_start_work(*, case: Case, by: User) -> Case:
    with transaction.atomic():
        return _move(case=case, name="start_work", by=by)


def case_respond(*, case: Case, by: User, note: str) -> Case:
    with transaction.atomic():
        return _move(case=case, name="respond", by=by, reason=note)


def case_close(*, case: Case, by: User) -> Case:
    with transaction.atomic():
        case = _move(case=case, name="close", by=by)
        deadline_finish(case=case, status=Deadline.Status.STOPPED)
    return case


def case_withdraw(*, case: Case, by: User, reason: str = "") -> Case:
    with transaction.atomic():
        case = _move(case=case, name="withdraw", by=by, reason=reason)
        deadline_finish(case=case, status=Deadline.Status.STOPPED)
    return case


def case_transition_service(name: str) -> Any:
    """The service of a transition by its table name (edges dispatch through this)."""
    return {
        "submit": case_submit,
        "start_triage": case_start_triage,
        "request_information": case_request_information,
        "answer": case_answer,
        "send_to_verification": case_send_to_verification,
        "verify": case_verify,
        "approve": case_approve,
        "decline": case_decline,
        "start_work": case_start_work,
        "respond": case_respond,
        "close": case_close,
        "withdraw": case_withdraw,
    }[name]
