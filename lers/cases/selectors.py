"""Reading cases: the one place that scopes every case to who is asking (DESIGN.md, "Trust")."""

from __future__ import annotations

from django.db.models import Case as SqlCase
from django.db.models import IntegerField, Q, QuerySet, Value, When

from lers.accounts.models import Role, User
from lers.accounts.roles import roles_of
from lers.agencies.models import Officer
from lers.audit.models import AuditEvent
from lers.cases.lifecycle import OPEN, State, Transition, transitions_from
from lers.cases.models import Case, Deadline, Document, Message, SubjectMatch, Target
from lers.core.errors import NotFound


def cases_for_officer(user: User) -> QuerySet[Case]:
    """The agency's cases this officer is on; an agency admin sees all of the agency's."""
    officer = getattr(user, "officer", None)
    if officer is None or officer.status != Officer.Status.ACTIVE:
        return Case.objects.none()
    cases = Case.objects.filter(agency_id=officer.agency_id)
    if not officer.is_agency_admin:
        cases = cases.filter(officers=officer)
    return cases.select_related("agency", "entity").order_by("-created_at")


def case_get_for_officer(user: User, reference: str) -> Case:
    case = cases_for_officer(user).filter(reference=reference).first()
    if case is None:
        raise NotFound("no such case")
    return case


def cases_for_staff(user: User) -> QuerySet[Case]:
    """Every case for staff roles; nothing for anyone else (drafts stay with the agency)."""
    if not roles_of(user) - {Role.OFFICER}:
        return Case.objects.none()
    return Case.objects.exclude(state=State.DRAFT).select_related("agency", "entity", "assignee")


def case_get_for_staff(user: User, reference: str) -> Case:
    case = cases_for_staff(user).filter(reference=reference).first()
    if case is None:
        raise NotFound("no such case")
    return case


def staff_queue(user: User) -> QuerySet[Case]:
    """Open cases, emergency and urgent first, then oldest submission first."""
    rank = SqlCase(
        When(urgency=Case.Urgency.EMERGENCY, then=Value(0)),
        When(urgency=Case.Urgency.URGENT, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    return (
        cases_for_staff(user)
        .filter(state__in=[s.value for s in OPEN])
        .annotate(urgency_rank=rank)
        .order_by("urgency_rank", "submitted_at", "pk")
    )


def case_timeline(case: Case) -> QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(case_ref=case.reference).order_by("seq")


def case_moves(case: Case, user: User) -> list[Transition]:
    """The transitions this user may attempt from the case's current state."""
    roles = roles_of(user)
    return [t for t in transitions_from(State(case.state)) if t.allows_role(roles)]


def case_live_deadlines(case: Case) -> QuerySet[Deadline]:
    return case.deadlines.exclude(status__in=[Deadline.Status.MET, Deadline.Status.STOPPED])


def officer_is_on_case(user: User, case: Case) -> bool:
    """On the case, not only able to read it: an agency admin reads every case of the agency
    but acts only on the ones they are on."""
    officer = getattr(user, "officer", None)
    return (
        officer is not None
        and officer.status == Officer.Status.ACTIVE
        and case.officers.filter(pk=officer.pk).exists()
    )


def draft_get_for_officer(user: User, reference: str) -> Case:
    """A draft the officer is writing: their agency's, with them on it; anything else is 404."""
    case = case_get_for_officer(user, reference)
    if case.state != State.DRAFT or not officer_is_on_case(user, case):
        raise NotFound("no such draft")
    return case


def documents_for_officer(case: Case) -> QuerySet[Document]:
    """The files an officer may see: the request's own and those of shared messages, never
    the files staff attach to internal notes."""
    return (
        case.documents.filter(
            Q(message__isnull=True) | Q(message__visibility=Message.Visibility.SHARED)
        )
        .select_related("message")
        .order_by("pk")
    )


def follow_ups_for_officer(user: User, case: Case) -> QuerySet[Case]:
    return cases_for_officer(user).filter(parent=case).order_by("pk")


def colleagues_not_on(case: Case) -> QuerySet[Officer]:
    """Active officers of the case's agency who are not on it yet (X-03)."""
    return (
        Officer.objects.filter(
            agency_id=case.agency_id, status=Officer.Status.ACTIVE, user__is_active=True
        )
        .exclude(cases=case)
        .select_related("user")
        .order_by("user__username")
    )


def document_get_for_officer(user: User, reference: str, pk: int) -> Document:
    case = case_get_for_officer(user, reference)
    document = documents_for_officer(case).filter(pk=pk).first()
    if document is None:
        raise NotFound("no such document")
    return document


def target_get_for_officer(user: User, reference: str, pk: int) -> Target:
    case = draft_get_for_officer(user, reference)
    target = case.targets.filter(pk=pk).first()
    if target is None:
        raise NotFound("no such target")
    return target


def document_get_for_staff(user: User, reference: str, pk: int) -> Document:
    case = case_get_for_staff(user, reference)
    document = case.documents.filter(pk=pk).first()
    if document is None:
        raise NotFound("no such document")
    return document


def confirmed_subjects(case: Case) -> list[str]:
    """The accounts a person confirmed as the case's subjects (X-10): actions reach no other."""
    return sorted(
        set(
            SubjectMatch.objects.filter(
                target__case=case, status=SubjectMatch.Status.CONFIRMED
            ).values_list("uid", flat=True)
        )
    )


def subject_match_get_for_staff(user: User, reference: str, pk: int) -> SubjectMatch:
    case = case_get_for_staff(user, reference)
    match = SubjectMatch.objects.filter(pk=pk, target__case=case).select_related("target").first()
    if match is None:
        raise NotFound("no such candidate account")
    return match
