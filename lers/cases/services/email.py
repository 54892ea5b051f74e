"""A case from an email to the law-enforcement mailbox (JU-03, issue 7), made a draft (the
intake submits it where the profile says so): the agency's, with the officer when the sender
is one, its attachments as documents of the types the intake judged, through the same checks
as the portal, and the identifiers its text names as targets."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction

from lers.accounts.models import User
from lers.agencies.models import Agency, Officer
from lers.audit.services import audit_record
from lers.cases.models import Case
from lers.cases.services.documents import Attachment, attachment_check, document_store
from lers.cases.services.requests import _check_request_types, case_new, require_channel
from lers.cases.services.targets import _create, target_candidates
from lers.core.errors import DomainError
from lers.core.policy import active_policy
from lers.core.text import clean_text


@dataclass
class FromEmail:
    case: Case
    documents: int = 0
    targets: int = 0
    refused: list[tuple[str, str]] = field(default_factory=list)  # file name, reason


def case_from_email(
    *,
    agency: Agency,
    officer: Officer | None,
    by: User,
    request_types: list[str],
    urgency: str,
    title: str,
    agency_case_number: str,
    summary: str,
    attachments: list[Attachment],
    text: str,
    intake_id: int,
) -> FromEmail:
    """``by`` is the officer's account, or the intake's own account when the sender is not a
    known officer (the case is then for staff to verify before anything else)."""
    require_channel(Case.Channel.EMAIL)
    policy = active_policy()
    known = [t for t in request_types if t in policy.request_types] or ["other"]
    checked = []
    refused = []
    for attachment in attachments:
        try:
            if attachment.doc_type not in policy.document_types:
                raise DomainError(f"{attachment.doc_type!r} is not a document type of the profile")
            checked.append((attachment.doc_type, attachment_check(attachment)))
        except DomainError as exc:  # kept in the raw message; the reason goes to the queue
            refused.append((attachment.name, exc.message))
    with transaction.atomic():
        case = case_new(
            agency=agency,
            officer=officer,
            channel=Case.Channel.EMAIL,
            urgency=urgency if urgency in Case.Urgency.values else Case.Urgency.STANDARD,
            request_types=_check_request_types(known, follow_up=False),
            title=title,
            agency_case_number=clean_text(agency_case_number)[:100],
            summary=clean_text(summary)[:20_000],
        )
        audit_record(
            actor=by,
            action="case.created",
            obj=case,
            case_ref=case.reference,
            payload={
                "channel": Case.Channel.EMAIL,
                "intake": intake_id,
                "officer_known": officer is not None,
                "request_types": case.request_types,
            },
        )
        result = FromEmail(case=case, refused=refused)
        for kind, upload in checked:
            document_store(case=case, by=by, doc_type=kind, upload=upload)
            result.documents += 1
        skip: set[tuple[str, str, str]] = set()
        for found in target_candidates(case=case, text=text):
            made = _create(case, by, found.kind, found.value, found.chain, found.memo, "", skip)
            result.targets += made is not None
    return result
