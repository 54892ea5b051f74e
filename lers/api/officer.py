"""The agency's side of the API (X-11): what an officer does in the portal, for the agency's
own case system. Every case comes through the officer-scoped selectors, so another agency's
case, document or production is a 404, exactly as in the portal."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any

from django.http import HttpRequest, HttpResponse
from ninja import File, Form, Query, Router, Status, UploadedFile

from lers.accounts.models import User
from lers.actions.services.consent import case_consent_set, consent_change_allowed
from lers.api.auth import officer_user
from lers.api.errors import ErrorOut
from lers.api.idempotency import IdempotencyKey, idempotent
from lers.api.schemas import (
    CaseDetail,
    CaseSummary,
    ConsentIn,
    DocumentOut,
    GapOut,
    MessageIn,
    MessageOut,
    ProductionOut,
    ReasonIn,
    RequestCreate,
    RequestFields,
    SubmitIn,
    TargetIn,
    TargetOut,
    TermsOut,
)
from lers.cases.jurisdiction import is_cross_border
from lers.cases.lifecycle import OPEN, State
from lers.cases.models import Case
from lers.cases.review_time import review_expectation
from lers.cases.selectors import (
    case_get_for_officer,
    case_moves,
    cases_for_officer,
    document_get_for_officer,
    documents_for_officer,
    draft_get_for_officer,
    messages_for_officer,
    officer_is_on_case,
    target_get_for_officer,
)
from lers.cases.services import (
    DRAFT_FIELDS,
    case_answer,
    case_checklist,
    case_create,
    case_request_extension,
    case_submit,
    case_update_draft,
    case_withdraw,
    document_add,
    document_open,
    extension_allowed,
    message_post,
    target_add,
    target_remove,
)
from lers.core.downloads import attachment_response
from lers.core.terms import terms_shown
from lers.productions.selectors import production_get_for_officer, productions_for_officer
from lers.productions.services import production_download

router = Router(tags=["requests"])

READ, WRITE, DOWNLOAD = "requests:read", "requests:write", "productions:download"
# Every operation may answer these, in the one error shape.
ERROR_CODES = frozenset({400, 401, 403, 404, 409, 413, 415, 422, 429})
ERRORS: dict[Any, Any] = {ERROR_CODES: ErrorOut}
FILE_RESPONSE = {
    "responses": {
        "200": {
            "description": "The file, as an attachment",
            "content": {"application/octet-stream": {"schema": {"type": "string"}}},
        }
    }
}


def _field(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def _actions(case: Case, user: User) -> list[str]:
    if not officer_is_on_case(user, case):
        return []
    if case.state == State.DRAFT:
        return ["edit", "submit"]
    actions = [t.name for t in case_moves(case, user)]
    if case.state in OPEN:
        actions.append("message")
    if extension_allowed(case):
        actions.append("extension")
    if consent_change_allowed(case):
        actions.append("consent")
    return actions


def detail_fields(case: Case) -> dict[str, Any]:
    """What the agency's view and the staff's view of a case share."""
    fields = {name: _field(getattr(case, name)) for name in sorted(DRAFT_FIELDS - {"services"})}
    fields["services"] = sorted(case.services.values_list("pk", flat=True))
    return {
        **CaseSummary.fields_of(case),
        "fields": fields,
        "checklist": (
            [GapOut.of(g) for g in case_checklist(case)] if case.state == State.DRAFT else []
        ),
        "targets": [TargetOut.of(t) for t in case.targets.order_by("pk")],
        "decline_reasons": list(case.decline_reasons),
        "review_expectation": review_expectation(case),
        "cross_border": is_cross_border(case),
    }


def case_detail(case: Case, user: User) -> CaseDetail:
    return CaseDetail(
        **detail_fields(case),
        documents=[DocumentOut.of(d) for d in documents_for_officer(case)],
        actions=_actions(case, user),
    )


def _changes(data: RequestFields) -> dict[str, Any]:
    return data.model_dump(exclude_unset=True, exclude_none=True)


# Paging through a list: at most 500 at a time.
Limit = Annotated[int, Query(ge=1, le=500, description="How many (at most 500)")]
Offset = Annotated[int, Query(ge=0, le=10**9, description="How many to skip")]


@router.get("/requests", response={200: list[CaseSummary], **ERRORS})
def requests_list(
    request: HttpRequest, state: State | None = None, limit: Limit = 100, offset: Offset = 0
) -> list[CaseSummary]:
    """The agency's requests this officer is on (an agency administrator: all of them),
    newest first; ``limit`` and ``offset`` page through them."""
    cases = cases_for_officer(officer_user(request, READ))
    if state:
        cases = cases.filter(state=state)
    return [CaseSummary.of(case) for case in cases[offset : offset + limit]]


@router.post("/requests", response={201: CaseDetail, **ERRORS})
def request_create(
    request: HttpRequest, data: RequestCreate, idempotency_key: IdempotencyKey = None
) -> Status[Any]:
    """A new draft request of the officer's agency (``Idempotency-Key`` honoured)."""
    user = officer_user(request, WRITE)

    def create() -> Status[CaseDetail]:
        details = _changes(data)
        case = case_create(
            officer_user=user,
            request_types=details.pop("request_types"),
            urgency=details.pop("urgency", Case.Urgency.STANDARD),
            title=details.pop("title", ""),
            channel=Case.Channel.API,
            details=details,
        )
        return Status(201, case_detail(case, user))

    return idempotent(request, user, idempotency_key, create)


@router.get("/requests/{reference}", response={200: CaseDetail, **ERRORS})
def request_read(request: HttpRequest, reference: str) -> CaseDetail:
    user = officer_user(request, READ)
    return case_detail(case_get_for_officer(user, reference), user)


@router.patch("/requests/{reference}", response={200: CaseDetail, **ERRORS})
def request_update(request: HttpRequest, reference: str, data: RequestFields) -> CaseDetail:
    """Changes the fields of a draft (only those sent)."""
    user = officer_user(request, WRITE)
    case = draft_get_for_officer(user, reference)
    case = case_update_draft(case=case, by=user, changes=_changes(data))
    return case_detail(case, user)


@router.post("/requests/{reference}/targets", response={201: TargetOut, **ERRORS})
def target_create(
    request: HttpRequest, reference: str, data: TargetIn, idempotency_key: IdempotencyKey = None
) -> Status[Any]:
    """Adds an identifier to a draft; it is validated as in the portal."""
    user = officer_user(request, WRITE)
    case = draft_get_for_officer(user, reference)

    def create() -> Status[TargetOut]:
        return Status(201, TargetOut.of(target_add(case=case, by=user, **data.model_dump())))

    return idempotent(request, user, idempotency_key, create)


@router.delete("/requests/{reference}/targets/{target_id}", response={204: None, **ERRORS})
def target_delete(request: HttpRequest, reference: str, target_id: int) -> Status[None]:
    user = officer_user(request, WRITE)
    target_remove(target=target_get_for_officer(user, reference, target_id), by=user)
    return Status(204, None)


@router.post("/requests/{reference}/documents", response={201: DocumentOut, **ERRORS})
def document_create(
    request: HttpRequest,
    reference: str,
    doc_type: Form[str],
    file: File[UploadedFile],
    officer_name: Form[str] = "",
    idempotency_key: IdempotencyKey = None,
) -> Status[Any]:
    """Attaches a file to a draft (the portal's checks: type, content, size); an officer's ID
    names its officer (``officer_name``, JU-07: the profile counts distinct officers)."""
    user = officer_user(request, WRITE)
    case = draft_get_for_officer(user, reference)

    def create() -> Status[DocumentOut]:
        document = document_add(
            case=case,
            by=user,
            doc_type=doc_type,
            name=file.name or "unnamed",
            content=file,
            content_type=file.content_type or "",
            officer_name=officer_name,
        )
        return Status(201, DocumentOut.of(document))

    return idempotent(request, user, idempotency_key, create)


@router.get(
    "/requests/{reference}/documents/{document_id}",
    response=ERRORS,
    openapi_extra=FILE_RESPONSE,
)
def document_read(request: HttpRequest, reference: str, document_id: int) -> HttpResponse:
    """The file, as an attachment (its opening is on the record)."""
    user = officer_user(request, READ)
    document = document_open(
        document=document_get_for_officer(user, reference, document_id), by=user
    )
    return attachment_response(
        document.file, filename=document.original_name, content_type=document.content_type
    )


@router.post("/requests/{reference}/submit", response={200: CaseDetail, **ERRORS})
def request_submit(request: HttpRequest, reference: str, data: SubmitIn) -> CaseDetail:
    """Submits a draft; the policy's checklist decides whether it is complete enough."""
    user = officer_user(request, WRITE)
    case = draft_get_for_officer(user, reference)
    case = case_submit(
        case=case,
        by=user,
        accept_incomplete=data.accept_incomplete,
        terms_acknowledged=data.terms_acknowledged,
    )
    return case_detail(case, user)


@router.get("/terms", response={200: TermsOut, **ERRORS})
def terms_read(request: HttpRequest) -> TermsOut:
    """The exchange's terms in the caller's language (``Accept-Language``: en, zh-hans,
    zh-hant; English otherwise), to show the officer before a submission (HX-15)."""
    officer_user(request, READ)
    shown = terms_shown()
    if shown is None:
        return TermsOut(acknowledgement_required=False, text=None, language=None, version=None)
    return TermsOut(
        language=shown.language,
        text=shown.text,
        version=shown.version,
        acknowledgement_required=shown.acknowledge,
    )


@router.get("/requests/{reference}/messages", response={200: list[MessageOut], **ERRORS})
def messages_list(request: HttpRequest, reference: str) -> list[MessageOut]:
    """The thread with the exchange (its questions among them)."""
    case = case_get_for_officer(officer_user(request, READ), reference)
    return [MessageOut.of(m) for m in messages_for_officer(case)]


@router.post("/requests/{reference}/messages", response={201: MessageOut, **ERRORS})
def message_create(
    request: HttpRequest, reference: str, data: MessageIn, idempotency_key: IdempotencyKey = None
) -> Status[Any]:
    """A message to the exchange on a submitted request."""
    user = officer_user(request, WRITE)
    case = case_get_for_officer(user, reference)

    def create() -> Status[MessageOut]:
        return Status(201, MessageOut.of(message_post(case=case, by=user, body=data.body)))

    return idempotent(request, user, idempotency_key, create)


@router.post("/requests/{reference}/answer", response={200: CaseDetail, **ERRORS})
def request_answer(request: HttpRequest, reference: str, data: MessageIn) -> CaseDetail:
    """Answers the exchange's question; its review clock runs again."""
    user = officer_user(request, WRITE)
    case = case_answer(case=case_get_for_officer(user, reference), by=user, answer=data.body)
    return case_detail(case, user)


@router.post("/requests/{reference}/withdraw", response={200: CaseDetail, **ERRORS})
def request_withdraw(request: HttpRequest, reference: str, data: ReasonIn) -> CaseDetail:
    user = officer_user(request, WRITE)
    case = case_withdraw(case=case_get_for_officer(user, reference), by=user, reason=data.reason)
    return case_detail(case, user)


@router.post("/requests/{reference}/consent", response={200: CaseDetail, **ERRORS})
def request_consent(request: HttpRequest, reference: str, data: ConsentIn) -> CaseDetail:
    """Gives or withdraws the agency's consent to tell the user, and to share its contact with
    the user, on a sent request; the exchange's freezes and notices follow it (HX-10, HX-11,
    HX-12)."""
    user = officer_user(request, WRITE)
    case = case_consent_set(
        case=case_get_for_officer(user, reference),
        by=user,
        disclose=data.consent_to_disclose,
        share_contact=data.consent_to_share_contact,
    )
    return case_detail(case, user)


@router.post("/requests/{reference}/extension", response={201: CaseDetail, **ERRORS})
def request_extension(
    request: HttpRequest, reference: str, data: ReasonIn, idempotency_key: IdempotencyKey = None
) -> Status[Any]:
    """Drafts a preservation extension of this request: attach its legal document, submit."""
    user = officer_user(request, WRITE)
    case = case_get_for_officer(user, reference)

    def create() -> Status[CaseDetail]:
        draft = case_request_extension(case=case, by=user, reason=data.reason)
        return Status(201, case_detail(draft, user))

    return idempotent(request, user, idempotency_key, create)


@router.get("/requests/{reference}/productions", response={200: list[ProductionOut], **ERRORS})
def productions_list(request: HttpRequest, reference: str) -> list[ProductionOut]:
    """The disclosure packages released to the agency."""
    productions = productions_for_officer(officer_user(request, READ), reference)
    return [ProductionOut.of(p) for p in productions]


@router.get(
    "/requests/{reference}/productions/{production_id}/archive",
    response=ERRORS,
    openapi_extra=FILE_RESPONSE,
)
def production_archive(request: HttpRequest, reference: str, production_id: int) -> HttpResponse:
    """The encrypted archive, within the download window; every download is on the record.
    An AES-256 zip whose passphrase comes by email, or a zip encrypted to the agency's age key
    (``.zip.age``), as ``encryption`` says."""
    user = officer_user(request, DOWNLOAD)
    production = production_get_for_officer(user, reference, production_id)
    archive = production_download(production=production, by=user)
    return attachment_response(
        archive,
        filename=production.download_name(),
        content_type=production.archive_content_type,
    )
