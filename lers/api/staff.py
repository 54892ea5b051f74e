"""The exchange's side of the API (X-11): the back office lists and reads cases and records
decisions, with a member of staff's token and within what that person may do in the
workbench (the same selectors and services; four eyes and guards included)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from django.http import HttpRequest
from ninja import Router

from lers.accounts.models import User
from lers.api.auth import staff_user
from lers.api.officer import ERRORS, Limit, Offset, detail_fields
from lers.api.schemas import (
    CrossBorderIn,
    CrossBorderOut,
    DecisionIn,
    EntityOut,
    NoteIn,
    OfficerNameIn,
    QueueLine,
    ReasonIn,
    RouteIn,
    RoutingOut,
    SealIn,
    StaffCaseDetail,
    StaffDocumentOut,
)
from lers.cases.jurisdiction import cross_border_of
from lers.cases.lifecycle import State
from lers.cases.models import Case
from lers.cases.selectors import (
    Queue,
    QueueOrder,
    case_get_for_staff,
    case_moves,
    cases_for_staff,
    confirmed_subjects,
    document_get_for_staff,
    staff_queue,
)
from lers.cases.services import (
    case_cross_border_correct,
    case_hold_clear,
    case_mark_complex,
    case_open_for_staff,
    case_route,
    case_transition_service,
    document_officer_set,
    document_seal_check,
    entities_for_routing,
    route_suggestion,
    scope_narrowed,
)
from lers.cases.services.served import case_is_held
from lers.core.errors import DomainError

router = Router(tags=["cases"])

READ, DECIDE = "cases:read", "cases:decide"


def staff_detail(case: Case, user: User) -> StaffCaseDetail:
    return StaffCaseDetail(
        **detail_fields(case),
        entity=case.entity.code if case.entity else None,
        cross_border_detail=_cross_border(case),
        served_holds=list(case.served_holds),
        held=case_is_held(case),
        documents=[StaffDocumentOut.of(d) for d in case.documents.order_by("pk")],
        complex_at=case.complex_at,
        complex_reason=case.complex_reason,
        actions=[t.name for t in case_moves(case, user)],
        assignee=str(case.assignee) if case.assignee else None,
        members=[str(m.user) for m in case.staff_members.select_related("user")],
        subjects=confirmed_subjects(case),
    )


@router.get("/cases", response={200: list[QueueLine], **ERRORS})
def cases_list(
    request: HttpRequest,
    queue: Queue = Queue.ALL,
    state: State | None = None,
    profile: str = "",
    q: str = "",
    order: QueueOrder = QueueOrder.URGENCY,
    limit: Limit = 100,
    offset: Offset = 0,
) -> list[QueueLine]:
    """Open cases in a queue, emergency first, oldest first, or by ``order`` (``due``: the
    soonest clock first; ``newest``); ``q`` searches the reference, the agency, the officers
    and, in the cases the caller may read, the identifiers named and the accounts confirmed
    (``limit`` and ``offset`` page through it). Every member of staff sees the queue; a case's
    title only those who may read the case."""
    user = staff_user(request, READ)
    found = staff_queue(
        user, queue, state=state or "", profile=profile, search=q[:200], order=order
    )
    cases = list(found[offset : offset + limit])
    readable = set(
        cases_for_staff(user).filter(pk__in=[c.pk for c in cases]).values_list("pk", flat=True)
    )
    return [QueueLine.of(case, readable=case.pk in readable) for case in cases]


@router.get("/cases/{reference}", response={200: StaffCaseDetail, **ERRORS})
def case_read(request: HttpRequest, reference: str) -> StaffCaseDetail:
    """A case the member of staff is on (an auditor: any); the read is on the record."""
    user = staff_user(request, READ)
    return staff_detail(case_open_for_staff(user=user, reference=reference), user)


@router.post("/cases/{reference}/decisions", response={200: StaffCaseDetail, **ERRORS})
def case_decide(request: HttpRequest, reference: str, data: DecisionIn) -> Any:
    """Approves (fully, or narrower with ``scope``), declines with the policy's reasons, or
    asks the agency for more information (its clock pauses)."""
    user = staff_user(request, DECIDE)
    case = case_get_for_staff(user, reference)
    arguments: dict[str, Any] = {
        "approve": lambda: {
            "note": data.note,
            "without_accounts": data.without_accounts,
            "scope": scope_narrowed(case, data.scope.model_dump(exclude_unset=True))
            if data.scope is not None
            else None,
        },
        "decline": lambda: {"reasons": data.reasons, "message": data.message},
        "request_information": lambda: {"question": data.question},
    }
    move = case_transition_service(data.decision)
    return staff_detail(move(case=case, by=user, **arguments[data.decision]()), user)


def _cross_border(case: Case) -> CrossBorderOut:
    found = cross_border_of(case)
    return CrossBorderOut(**{**asdict(found), "jurisdictions": list(found.jurisdictions)})


@router.post("/cases/{reference}/cross-border", response={200: StaffCaseDetail, **ERRORS})
def case_cross_border(request: HttpRequest, reference: str, data: CrossBorderIn) -> Any:
    """Corrects whether the request is cross-border before the decision (JU-12), or with
    ``value: null`` returns to what lers derives from the agency's country and the entity's
    jurisdiction; the reason goes on the record."""
    user = staff_user(request, DECIDE)
    case = case_cross_border_correct(
        case=case_get_for_staff(user, reference), by=user, value=data.value, reason=data.reason
    )
    return staff_detail(case, user)


@router.post("/cases/{reference}/hold/clear", response={200: StaffCaseDetail, **ERRORS})
def case_hold_cleared(request: HttpRequest, reference: str, data: NoteIn) -> Any:
    """Clears the hold the profile's "who is served" rules put on the request, during
    triage, with the reason on the record; the request may then go to verification."""
    user = staff_user(request, DECIDE)
    case = case_hold_clear(case=case_get_for_staff(user, reference), by=user, note=data.note)
    return staff_detail(case, user)


def _routing(case: Case, user: User) -> RoutingOut:
    suggestion = route_suggestion(case=case, by=user) if case.entity is None else None
    return RoutingOut(
        entity=case.entity.code if case.entity else None,
        suggested=suggestion.entity.code if suggestion and suggestion.entity else None,
        reasons=suggestion.reasons if suggestion else [],
        entities=[
            EntityOut(code=e.code, name=e.name, jurisdiction=e.jurisdiction)
            for e in entities_for_routing()
        ],
    )


@router.get("/cases/{reference}/routing", response={200: RoutingOut, **ERRORS})
def case_routing(request: HttpRequest, reference: str) -> RoutingOut:
    """The entity the case is routed to, the one lers suggests while it is not (from the
    services named, the confirmed subjects' records and the agency's country) and the
    choices."""
    user = staff_user(request, READ)
    return _routing(case_get_for_staff(user, reference), user)


@router.post("/cases/{reference}/routing", response={200: RoutingOut, **ERRORS})
def case_route_to(request: HttpRequest, reference: str, data: RouteIn) -> RoutingOut:
    """Routes the case to one of the exchange's entities during triage (JU-01); on the
    record, with the suggestion it followed or overrode."""
    user = staff_user(request, DECIDE)
    case = case_get_for_staff(user, reference)
    entity = next((e for e in entities_for_routing() if e.code == data.entity), None)
    if entity is None:
        raise DomainError(f"no such entity: {data.entity}")
    suggested = route_suggestion(case=case, by=user).entity if case.entity is None else None
    routed = case_route(
        case=case,
        by=user,
        entity=entity,
        note=data.note,
        suggested=suggested.code if suggested else None,
    )
    return _routing(routed, user)


@router.post("/cases/{reference}/complex", response={200: StaffCaseDetail, **ERRORS})
def case_complex(request: HttpRequest, reference: str, data: ReasonIn) -> Any:
    """Marks the case complex, with the reason (HX-14): its review clock runs the profile's
    ``sla.complex_extra_business_days`` longer and the officers are told; refused (409) where
    the profile does not let complex cases take longer."""
    user = staff_user(request, DECIDE)
    case = case_mark_complex(case=case_get_for_staff(user, reference), by=user, reason=data.reason)
    return staff_detail(case, user)


@router.post(
    "/cases/{reference}/documents/{document_id}/seal",
    response={200: StaffDocumentOut, **ERRORS},
)
def document_seal(
    request: HttpRequest, reference: str, document_id: int, data: SealIn
) -> StaffDocumentOut:
    """Records whether an official document bears its seal or a valid signature (JU-18,
    HX-05); where the profile requires it, verification waits for every such document."""
    user = staff_user(request, DECIDE)
    document = document_seal_check(
        document=document_get_for_staff(user, reference, document_id),
        by=user,
        present=data.present,
        note=data.note,
    )
    return StaffDocumentOut.of(document)


@router.post(
    "/cases/{reference}/documents/{document_id}/officer",
    response={200: StaffDocumentOut, **ERRORS},
)
def document_officer(
    request: HttpRequest, reference: str, document_id: int, data: OfficerNameIn
) -> StaffDocumentOut:
    """Names the officer of an officer's ID that came without one (JU-07)."""
    user = staff_user(request, DECIDE)
    document = document_officer_set(
        document=document_get_for_staff(user, reference, document_id),
        by=user,
        officer_name=data.officer_name,
    )
    return StaffDocumentOut.of(document)
