"""Files on a case: attached, removed from a draft, opened (every opening is on the record)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import IO

from django.core.files.storage import Storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lers.accounts.models import Role, User
from lers.accounts.roles import roles_of
from lers.agencies.models import Officer
from lers.audit.services import audit_record, audit_record_once
from lers.cases.lifecycle import OPEN, State
from lers.cases.models import Case, Document, Message
from lers.cases.selectors import officer_is_on_case
from lers.cases.services.access import lock_case, require_case_worker, require_officer_on_case
from lers.core.errors import DomainError, IllegalTransition, NotPermitted
from lers.core.policy import active_policy
from lers.core.text import clean_text
from lers.core.uploads import Upload, upload_check


@dataclass(frozen=True)
class Attachment:
    """A file that comes with a message or an answer, before it is checked."""

    doc_type: str
    name: str
    content: bytes | IO[bytes]


def attachment_check(attachment: Attachment) -> Upload:
    """Type from the policy, size and content: the reason if refused (before any write)."""
    if attachment.doc_type not in active_policy().document_types:
        raise DomainError(f"unknown document type {attachment.doc_type!r}")
    return upload_check(name=attachment.name, content=attachment.content)


def officer_named(doc_type: str, officer_name: str) -> str:
    """The officer an ID names (JU-07), for a type that is an officer's ID; "" for others."""
    if doc_type not in active_policy().officer_id_documents():
        return ""
    return clean_text(officer_name).strip()[:200]


def document_store(
    *,
    case: Case,
    by: User,
    doc_type: str,
    upload: Upload,
    message: Message | None = None,
    officer_name: str = "",
) -> Document:
    """Writes a checked upload to the case (inside the caller's transaction) and records it."""
    officer_name = officer_named(doc_type, officer_name)
    document = Document(
        case=case,
        message=message,
        doc_type=doc_type,
        officer_name=officer_name,
        original_name=upload.name,
        content_type=upload.content_type,
        size=upload.size,
        sha256=upload.sha256,
        uploaded_by=by,
    )
    document.file.save(upload.name, upload.file, save=False)
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
            "message_id": message.pk if message else None,
            "officer_name": officer_name,
        },
    )
    return document


def document_add(
    *,
    case: Case,
    by: User,
    doc_type: str,
    name: str,
    content: bytes | IO[bytes],
    content_type: str = "",
    officer_name: str = "",
) -> Document:
    """Attach a file: its type is judged by its content (``lers.core.uploads``), not its name.
    An officer attaching an officer's ID says whose it is (JU-07: the checklist counts
    distinct officers); staff may name it later."""
    upload = attachment_check(Attachment(doc_type=doc_type, name=name, content=content))
    with transaction.atomic():
        case = lock_case(case)
        if Role.OFFICER in roles_of(by):
            require_officer_on_case(case, by)
            if case.state not in (State.DRAFT, State.AWAITING_INFORMATION):
                raise IllegalTransition(
                    _("documents are added to a draft, or when the exchange asks for more"),
                    state=case.state,
                )
            if doc_type in active_policy().officer_id_documents() and not officer_named(
                doc_type, officer_name
            ):
                raise DomainError(_("Say whose ID this is: the officer's full name."))
        else:
            require_case_worker(case, by)
        return document_store(
            case=case, by=by, doc_type=doc_type, upload=upload, officer_name=officer_name
        )


def document_remove(*, document: Document, by: User) -> None:
    """An officer takes a file back out of a draft; once submitted, files stay."""
    with transaction.atomic():
        case = lock_case(document.case)
        require_officer_on_case(case, by)
        if case.state != State.DRAFT:
            raise IllegalTransition(_("files are removed only from a draft"), state=case.state)
        deleted, _by_model = Document.objects.filter(pk=document.pk, case=case).delete()
        if deleted:
            audit_record(
                actor=by,
                action="case.document_removed",
                obj=case,
                case_ref=case.reference,
                payload={"document_id": document.pk, "sha256": document.sha256},
            )
            storage, name = document.file.storage, document.file.name
            transaction.on_commit(lambda: _delete_unreferenced(storage, name))


def _delete_unreferenced(storage: Storage, name: str) -> None:
    """Removes a stored file once no row points at it (a file removed from a draft must not
    linger in storage: it may be a wrong file holding someone else's data)."""
    if name and not Document.objects.filter(file=name).exists():
        storage.delete(name)


# One look at a file's preview is one event: the page images it loads within this time are the
# same look (a ten-page PDF flipped through is not ten reads of the trail).
PREVIEW_LOOK = dt.timedelta(minutes=15)


def document_open(*, document: Document, by: User) -> Document:
    """Someone downloads a file of a case: the read is an audit event (X-07)."""
    _require_may_open(document, by)
    audit_record(
        actor=by,
        action="case.document_opened",
        obj=document,
        case_ref=document.case.reference,
        payload={"sha256": document.sha256},
    )
    return document


def document_preview_open(*, document: Document, by: User) -> Document:
    """Someone looks at a file's preview: the same check and the same audit event as opening
    it (X-07), once per person, file and look (``PREVIEW_LOOK``), not once per page image."""
    _require_may_open(document, by)
    audit_record_once(
        within=PREVIEW_LOOK,
        actor=by,
        action="case.document_opened",
        obj=document,
        case_ref=document.case.reference,
        payload={"sha256": document.sha256, "via": "preview"},
    )
    return document


def _require_may_open(document: Document, by: User) -> None:
    """Officers open their agency's files (an agency admin reads every case of the agency),
    never a file attached to a staff-internal note."""
    if Role.OFFICER in roles_of(by):
        officer = by.officer
        internal = (
            document.message is not None
            and document.message.visibility != Message.Visibility.SHARED
        )
        if (
            officer.status != Officer.Status.ACTIVE
            or officer.agency_id != document.case.agency_id
            or internal
            or not (officer.is_agency_admin or officer_is_on_case(by, document.case))
        ):
            raise NotPermitted(_("you cannot open this file"))
    elif not roles_of(by):
        raise NotPermitted("only the case's officers and the exchange's staff open its files")


def attachments_store(
    *, case: Case, by: User, message: Message, uploads: list[tuple[str, Upload]]
) -> list[Document]:
    if case.state not in OPEN:
        raise IllegalTransition(_("the case is closed"), state=case.state)
    return [
        document_store(case=case, by=by, doc_type=doc_type, upload=upload, message=message)
        for doc_type, upload in uploads
    ]


# A file younger than this may belong to a transaction still open: the sweep leaves it.
ORPHAN_GRACE = dt.timedelta(hours=1)


def documents_sweep_orphans(*, now: dt.datetime | None = None) -> int:
    """Deletes the case files no document points at: a file is written before its row, so
    a transaction rolled back after an upload (a later check failing, a repeated request)
    leaves one behind, which may hold someone's data. Returns how many went."""
    now = now or timezone.now()
    storage = Document._meta.get_field("file").storage
    try:
        folders, _files = storage.listdir("cases")
    except FileNotFoundError:
        return 0
    removed = 0
    for folder in folders:
        _sub, files = storage.listdir(f"cases/{folder}")
        names = [f"cases/{folder}/{name}" for name in files]
        kept = set(Document.objects.filter(file__in=names).values_list("file", flat=True))
        for name in names:
            if name in kept or storage.get_modified_time(name) > now - ORPHAN_GRACE:
                continue
            storage.delete(name)
            removed += 1
            audit_record(
                actor=None,
                action="document.orphan_deleted",
                case_ref=folder,
                payload={"name": name},
            )
    return removed
