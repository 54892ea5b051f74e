"""What the API reads and writes: pydantic schemas, one per shape (the OpenAPI document is
made from them)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Literal, Self

from django.utils.translation import get_language
from ninja import Schema
from pydantic import Field, model_validator

from lers.cases.models import Case, Document, Message, Target
from lers.policy.completeness import Gap
from lers.policy.schema import MatterType
from lers.productions.models import Production


def _has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, list | tuple):
        return any(_has_nul(v) for v in value)
    if isinstance(value, dict):
        return any(_has_nul(v) for v in value.values())
    if isinstance(value, Schema):
        return any(_has_nul(v) for v in value.__dict__.values())
    return False


class Input(Schema):
    """What a client sends: no text in it holds a NUL character (no database stores one; it
    is refused with the field's name rather than failing deep inside)."""

    @model_validator(mode="after")
    def _no_nul(self) -> Input:
        for name, value in self.__dict__.items():
            if _has_nul(value):
                raise ValueError(f"{name}: a NUL character is not allowed")
        return self


class RequestFields(Input):
    """The request's fields an officer fills in (all optional: a draft fills up over time)."""

    title: str | None = Field(None, max_length=300)
    urgency: Literal["standard", "urgent", "emergency"] | None = None
    urgency_circumstances: str | None = Field(None, max_length=10_000)
    request_types: list[str] | None = Field(None, max_length=20)
    agency_case_number: str | None = Field(None, max_length=100)
    legal_instrument: str | None = Field(None, max_length=50)
    legal_basis: str | None = Field(None, max_length=10_000)
    legal_clauses: str | None = Field(None, max_length=10_000)
    summary: str | None = Field(None, max_length=50_000)
    findings: str | None = Field(None, max_length=50_000)
    amount_tokens: str | None = Field(None, max_length=10_000)
    amount_usd: Decimal | None = Field(None, ge=0, max_digits=20, decimal_places=2)
    amount_breakdown: str | None = Field(None, max_length=10_000)
    # A freeze: which assets (symbols such as USDT, ETH) and how much to freeze.
    freeze_assets: list[str] | None = Field(None, max_length=50)
    freeze_amount: str | None = Field(None, max_length=2000)
    timeframe_start: dt.datetime | None = None
    timeframe_end: dt.datetime | None = None
    data_categories: list[str] | None = Field(None, max_length=50)
    duration_days: int | None = Field(None, ge=1, le=3650)
    non_disclosure_until: dt.date | None = None
    consent_to_disclose: bool | None = None
    consent_to_share_contact: bool | None = None
    language: str | None = Field(None, max_length=10)
    callback_slots: str | None = Field(None, max_length=2000)
    services: list[int] | None = Field(None, max_length=50)
    # What the request is about, where the profile serves criminal matters only (HX-01, BN-01).
    matter_type: MatterType | None = None


class RequestCreate(RequestFields):
    request_types: list[str] = Field(..., min_length=1, max_length=20)  # type: ignore[assignment]


class TargetIn(Input):
    kind: Literal[tuple(Target.Kind.values)]  # type: ignore[valid-type]
    value: str = Field(..., min_length=1, max_length=500)
    chain: str = Field("", max_length=40)
    memo: str = Field("", max_length=200)
    note: str = Field("", max_length=2000)


class TargetOut(Schema):
    id: int
    kind: str
    value: str
    normalised: str
    chain: str
    memo: str
    valid: bool | None
    check_reason: str

    @staticmethod
    def of(target: Target) -> TargetOut:
        return TargetOut(
            id=target.pk,
            kind=target.kind,
            value=target.value,
            normalised=target.normalised,
            chain=target.chain,
            memo=target.memo,
            valid=target.valid,
            check_reason=target.check_reason,
        )


class DocumentOut(Schema):
    id: int
    doc_type: str
    name: str
    content_type: str
    size: int
    sha256: str
    uploaded_at: dt.datetime
    officer_name: str  # whose ID it is, for an officer's ID (JU-07); "" otherwise

    @classmethod
    def fields_of(cls, document: Document) -> dict[str, Any]:
        return {
            "id": document.pk,
            "doc_type": document.doc_type,
            "name": document.original_name,
            "content_type": document.content_type,
            "size": document.size,
            "sha256": document.sha256,
            "uploaded_at": document.uploaded_at,
            "officer_name": document.officer_name,
        }

    @classmethod
    def of(cls, document: Document) -> Self:
        return cls(**cls.fields_of(document))


class StaffDocumentOut(DocumentOut):
    """A document as staff see it: with the analyst's check of its seal or signature (JU-18,
    HX-05); ``seal`` is "unchecked", "present" or "missing"."""

    seal: str
    seal_checked_by: str | None
    seal_checked_at: dt.datetime | None
    seal_note: str

    @classmethod
    def fields_of(cls, document: Document) -> dict[str, Any]:
        return {
            **super().fields_of(document),
            "seal": document.seal,
            "seal_checked_by": str(document.seal_checked_by) if document.seal_checked_by else None,
            "seal_checked_at": document.seal_checked_at,
            "seal_note": document.seal_note,
        }


class SealIn(Input):
    """``present``: the document bears its official seal or a valid signature; if not,
    ``note`` says what is wrong."""

    present: bool
    note: str = Field("", max_length=10_000)


class OfficerNameIn(Input):
    officer_name: str = Field(..., min_length=1, max_length=200)


class MessageIn(Input):
    body: str = Field(..., min_length=1, max_length=50_000)


class ReasonIn(Input):
    reason: str = Field(..., min_length=1, max_length=10_000)


class ConsentIn(Input):
    """The agency's consent to tell the user, given (true) or withdrawn (false) after the
    request was sent; a field left out stays as it is. Only the questions the exchange's policy
    asks are accepted (HX-10, HX-12)."""

    consent_to_disclose: bool | None = None
    consent_to_share_contact: bool | None = None


class SubmitIn(Input):
    # Where the profile allows it: submit although the checklist is not met, knowingly.
    accept_incomplete: bool = False
    # The officer has read the exchange's terms (GET /terms); where the profile asks for the
    # acknowledgement, a submission without it is refused (422, terms_not_acknowledged; HX-15).
    terms_acknowledged: bool = False


class TermsOut(Schema):
    """The exchange's terms in the caller's language (HX-15); ``text`` is null where the
    profile has none."""

    acknowledgement_required: bool  # submit with "terms_acknowledged": true
    text: str | None
    language: str | None
    version: str | None  # the SHA-256 of the texts, recorded with an acknowledgement


class MessageOut(Schema):
    id: int
    from_exchange: bool
    author: str  # the officer's name; "exchange" for the exchange's staff
    body: str
    is_question: bool
    created_at: dt.datetime

    @staticmethod
    def of(message: Message) -> MessageOut:
        officer = getattr(message.author, "officer", None)
        return MessageOut(
            id=message.pk,
            from_exchange=officer is None,
            author=str(message.author) if officer is not None else "exchange",
            body=message.body,
            is_question=message.is_question,
            created_at=message.created_at,
        )


class ProductionOut(Schema):
    id: int
    state: str
    encryption: Literal["aes-zip", "age"]  # passphrase by email, or the agency's age key
    age_recipient: str
    released_at: dt.datetime | None
    download_until: dt.datetime | None
    archive_bytes: int
    archive_sha256: str
    downloads: int

    @staticmethod
    def of(production: Production) -> ProductionOut:
        return ProductionOut(
            id=production.pk,
            state=production.state,
            encryption="age" if production.age_recipient else "aes-zip",
            age_recipient=production.age_recipient,
            released_at=production.released_at,
            download_until=production.expires_at,
            archive_bytes=production.archive_bytes,
            archive_sha256=production.archive_sha256,
            downloads=production.downloads,
        )


class CaseSummary(Schema):
    reference: str
    title: str
    state: str
    state_label: str
    urgency: str
    request_types: list[str]
    channel: str
    agency: str
    agency_case_number: str
    created_at: dt.datetime
    submitted_at: dt.datetime | None
    updated_at: dt.datetime

    @classmethod
    def fields_of(cls, case: Case) -> dict[str, Any]:
        return {
            "reference": case.reference,
            "title": case.title,
            "state": case.state,
            "state_label": str(case.get_state_display()),
            "urgency": case.urgency,
            "request_types": list(case.request_types),
            "channel": case.channel,
            "agency": case.agency.name,
            "agency_case_number": case.agency_case_number,
            "created_at": case.created_at,
            "submitted_at": case.submitted_at,
            "updated_at": case.updated_at,
        }

    @classmethod
    def of(cls, case: Case) -> CaseSummary:
        return cls(**cls.fields_of(case))


class GapOut(Schema):
    """What the policy still asks of a draft before it can be submitted."""

    id: str
    message: str  # in the request's language (Accept-Language)
    blocking: bool
    documents_any_of: list[str]
    documents_have: int
    documents_need: int
    fields_missing: list[str]
    ref: list[str]  # the guideline's rule IDs

    @staticmethod
    def of(gap: Gap) -> GapOut:
        return GapOut(
            id=gap.requirement.id,
            message=gap.message(get_language() or "en"),
            blocking=gap.blocking,
            documents_any_of=list(gap.documents_any_of),
            documents_have=gap.documents_have,
            documents_need=gap.documents_need,
            fields_missing=list(gap.fields_missing),
            ref=list(gap.ref),
        )


class QueueLine(Schema):
    """A line of a staff queue: what every member of staff may see of a case; the title only
    for those who may read the case (``readable``)."""

    reference: str
    readable: bool
    title: str
    state: str
    state_label: str
    urgency: str
    request_types: list[str]
    agency: str
    submitted_at: dt.datetime | None
    updated_at: dt.datetime

    @staticmethod
    def of(case: Case, *, readable: bool) -> QueueLine:
        return QueueLine(
            reference=case.reference,
            readable=readable,
            title=case.title if readable else "",
            state=case.state,
            state_label=str(case.get_state_display()),
            urgency=case.urgency,
            request_types=list(case.request_types),
            agency=case.agency.name,
            submitted_at=case.submitted_at,
            updated_at=case.updated_at,
        )


class CaseDetail(CaseSummary):
    """A request as the agency sees it."""

    fields: dict[str, Any]  # the request's fields as filled in (RequestFields)
    checklist: list[GapOut]  # a draft's gaps (empty once submitted)
    targets: list[TargetOut]
    documents: list[DocumentOut]
    actions: list[str]  # what the caller may do now: answer, withdraw, submit...
    decline_reasons: list[str]
    # What the agency is told of the review's length (HX-14), while it is reviewed; "" where
    # the profile promises nothing.
    review_expectation: str
    # Whether the exchange treats the request as cross-border (JU-12): derived from the
    # agency's country and the handling entity's jurisdiction, or as staff corrected it.
    cross_border: bool


class StaffCaseDetail(CaseDetail):
    """A case as the exchange's staff see it."""

    entity: str | None  # the code of the legal entity handling it (JU-01)
    documents: list[StaffDocumentOut]  # type: ignore[assignment]
    complex_at: dt.datetime | None  # marked complex (HX-14): the review clock runs longer
    complex_reason: str
    cross_border_detail: CrossBorderOut
    # Held for a person by the profile's "who is served" rules (JU-02, HX-01, HX-03): each
    # hold's code and reason; ``held`` until staff clear it with a note.
    served_holds: list[dict[str, Any]]
    held: bool
    assignee: str | None
    members: list[str]
    subjects: list[str]  # exchange accounts confirmed behind the targets


class CrossBorderOut(Schema):
    """Whether the request is cross-border, and why (JU-12)."""

    value: bool
    derived: bool  # from the agency's country and the entities' jurisdictions
    corrected: bool
    reason: str
    agency_country: str
    jurisdictions: list[str]


class NoteIn(Input):
    note: str = Field(..., min_length=1, max_length=10_000)  # why, on the record


class CrossBorderIn(Input):
    """``value``: true (cross-border) or false (domestic) against what lers derived, or null
    back to the derived value; ``reason`` goes on the record."""

    value: bool | None
    reason: str = Field(..., min_length=1, max_length=10_000)


class EntityOut(Schema):
    code: str
    name: str
    jurisdiction: str


class RoutingOut(Schema):
    """Where a case is routed and where lers suggests it goes, with why (JU-01)."""

    entity: str | None
    suggested: str | None
    reasons: list[str]
    entities: list[EntityOut]


class RouteIn(Input):
    entity: str = Field(..., min_length=1, max_length=50)  # an entity's code
    note: str = Field("", max_length=10_000)  # why, on the record


class ScopeIn(Input):
    """A partial approval: each part no wider than the request (a part left out: as
    requested)."""

    subjects: list[str] = Field(default_factory=list, max_length=1000)
    categories: list[str] = Field(default_factory=list, max_length=50)
    period_start: dt.datetime | None = None
    period_end: dt.datetime | None = None
    actions: list[str] = Field(default_factory=list, max_length=20)


class DecisionIn(Input):
    decision: Literal["approve", "decline", "request_information"]
    note: str = Field("", max_length=10_000)  # approve: the reviewer's note
    reasons: list[str] = Field(default_factory=list, max_length=20)  # decline: policy codes
    message: str = Field("", max_length=10_000)  # decline: to the agency
    question: str = Field("", max_length=10_000)  # request_information: to the agency
    scope: ScopeIn | None = None  # approve: narrower than the request
    # approve: actions that reach accounts (freeze, preservation, disclosure) although no
    # account is confirmed in the scope; refused without it.
    without_accounts: bool = False


class ActionCallbackIn(Input):
    """What the exchange's back office reports of an action lers asked for. The key is in the
    body too, so that the signature covers it: a report cannot be moved to another action."""

    key: str = Field(..., min_length=1, max_length=200)
    status: Literal["done", "refused"]
    reference: str = Field("", max_length=200)  # the exchange's own reference (done)
    reason: str = Field("", max_length=2000)  # why it refused


class ActionOut(Schema):
    key: str
    kind: str
    status: str
    reference: str
