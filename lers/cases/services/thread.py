"""The thread between the agency and the exchange: messages, with files attached."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction
from django.utils.translation import gettext as _

from lers.accounts.models import Role, User
from lers.accounts.roles import roles_of
from lers.audit.services import audit_record
from lers.cases.lifecycle import State
from lers.cases.models import Case, Message
from lers.cases.notifications import notify_message
from lers.cases.services.access import lock_case, require_case_worker, require_officer_on_case
from lers.cases.services.documents import Attachment, attachment_check, attachments_store
from lers.core.errors import DomainError, IllegalTransition
from lers.core.text import clean_text


def message_post(
    *,
    case: Case,
    by: User,
    body: str,
    visibility: str = Message.Visibility.SHARED,
    attachments: Sequence[Attachment] = (),
) -> Message:
    body = clean_text(body)
    if not body:
        raise DomainError(_("the message is empty"))
    if visibility not in Message.Visibility.values:
        raise DomainError(f"unknown visibility {visibility!r}")
    # Every file is checked before anything is written: one refused file keeps the message back.
    uploads = [(a.doc_type, attachment_check(a)) for a in attachments]
    with transaction.atomic():
        case = lock_case(case)
        if Role.OFFICER in roles_of(by):
            require_officer_on_case(case, by)
            if case.state == State.DRAFT:
                raise IllegalTransition(_("submit the request before writing to the exchange"))
            visibility = Message.Visibility.SHARED
        else:
            require_case_worker(case, by)
        message = message_create(case=case, by=by, body=body, visibility=visibility)
        attachments_store(case=case, by=by, message=message, uploads=uploads)
        notify_message(message)
    return message


def message_create(
    *, case: Case, by: User, body: str, visibility: str, is_question: bool = False
) -> Message:
    """Records a message (inside the caller's transaction); the caller decides who is told."""
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
