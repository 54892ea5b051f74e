"""Reading cases: the one place that scopes every case to who is asking (DESIGN.md, "Trust")."""

from __future__ import annotations

from enum import StrEnum

from django.apps import apps
from django.db.models import Case as SqlCase
from django.db.models import (
    Count,
    Exists,
    F,
    IntegerField,
    Min,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
    prefetch_related_objects,
)
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from lers.accounts.models import Role, User
from lers.accounts.roles import roles_of
from lers.agencies.models import Officer
from lers.audit.models import AuditEvent
from lers.cases.lifecycle import OPEN, State, Transition, transitions_from
from lers.cases.models import (
    ApprovedScope,
    Case,
    CaseMember,
    Deadline,
    Document,
    FeeNotice,
    Message,
    SubjectMatch,
    Target,
)
from lers.cases.permissions import CASE_WORKERS
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


# The officer acts next: a draft to finish, a question to answer.
OFFICER_ACTS = (State.DRAFT, State.AWAITING_INFORMATION)


def officer_case_list(
    user: User, *, search: str = "", state: str = "", published_review: bool = False
) -> QuerySet[Case]:
    """The officer's list: ``search`` in the reference, the title, the agency's case number
    and the identifiers the request names; annotated with the next due date the agency is
    told of (the review clock only where the profile publishes it) and ``fee_waiting`` (a fee
    notice the agency has to answer)."""
    cases = cases_for_officer(user)
    text = search.strip()
    if text:
        named = Target.objects.filter(Q(value__iexact=text) | Q(normalised__iexact=text))
        cases = cases.filter(
            Q(reference__icontains=text)
            | Q(title__icontains=text)
            | Q(agency_case_number__icontains=text)
            | Q(pk__in=named.values("case_id"))
        )
    if state:
        cases = cases.filter(state=state)
    told = Q(deadlines__status__in=Deadline.LIVE)
    if not published_review:
        told &= ~Q(deadlines__kind=Deadline.Kind.REVIEW)
    return cases.annotate(
        next_due=Min("deadlines__due_at", filter=told),
        fee_waiting=Exists(
            FeeNotice.objects.filter(case=OuterRef("pk"), status=FeeNotice.Status.ISSUED)
        ),
    )


def case_get_for_officer(user: User, reference: str) -> Case:
    case = cases_for_officer(user).filter(reference=reference).first()
    if case is None:
        raise NotFound("no such case")
    return case


def cases_for_staff(user: User) -> QuerySet[Case]:
    """The cases whose user data this member of staff may read (DESIGN.md, "Trust"): those they
    are on; every submitted case for an auditor; nothing for anyone else. Drafts stay with the
    agency."""
    roles = roles_of(user)
    cases = Case.objects.exclude(state=State.DRAFT).select_related("agency", "entity", "assignee")
    if Role.AUDITOR in roles:
        return cases
    if not roles & CASE_WORKERS:
        return Case.objects.none()
    return cases.filter(staff_members__user=user)


def case_get_for_staff(user: User, reference: str) -> Case:
    case = cases_for_staff(user).filter(reference=reference).first()
    if case is None:
        raise NotFound("no such case")
    return case


def case_get_to_take(user: User, reference: str) -> Case:
    """A new case nobody holds, which an intake analyst may take (and only then read)."""
    if Role.INTAKE_ANALYST not in roles_of(user):
        raise NotFound("no such case")
    case = (
        Case.objects.filter(reference=reference, state=State.SUBMITTED, assignee__isnull=True)
        .select_related("agency", "entity")
        .first()
    )
    if case is None:
        raise NotFound("no such case")
    return case


class Queue(StrEnum):
    ALL = "all"
    NEW = "new"
    MINE = "mine"
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"
    AWAITING_AGENCY = "awaiting_agency"
    # Four eyes: a freeze or a production someone else asked for, waiting for this person.
    APPROVALS = "approvals"


QUEUE_LABELS: dict[Queue, Promise] = {
    Queue.ALL: _("All open"),
    Queue.NEW: _("New"),
    Queue.MINE: _("Mine"),
    Queue.DUE_SOON: _("Due soon"),
    Queue.OVERDUE: _("Overdue"),
    Queue.AWAITING_AGENCY: _("Awaiting the agency"),
    Queue.APPROVALS: _("Awaiting my second approval"),
}


def _queue_filter(queue: Queue, user: User) -> Q:
    if queue is Queue.NEW:
        return Q(state=State.SUBMITTED, assignee__isnull=True)
    if queue is Queue.MINE:
        return Q(pk__in=CaseMember.objects.filter(user=user).values("case_id"))
    if queue is Queue.DUE_SOON:
        return Q(pk__in=Deadline.objects.filter(status=Deadline.Status.DUE_SOON).values("case_id"))
    if queue is Queue.OVERDUE:
        return Q(pk__in=Deadline.objects.filter(status=Deadline.Status.OVERDUE).values("case_id"))
    if queue is Queue.APPROVALS:
        return _awaiting_second_approval(user)
    if queue is Queue.AWAITING_AGENCY:
        return Q(state=State.AWAITING_INFORMATION) | Q(
            pk__in=FeeNotice.objects.filter(status=FeeNotice.Status.ISSUED).values("case_id")
        )
    return Q()


def _awaiting_second_approval(user: User) -> Q:
    """Cases the user is on where a freeze or a production someone else asked for waits for
    a second person (X-07). The action apps build on this one; their models are looked up by
    name so that ``cases`` imports neither."""
    if not roles_of(user) & {Role.APPROVER}:
        return Q(pk__in=[])
    freeze = apps.get_model("actions", "Freeze")
    production = apps.get_model("productions", "Production")
    waiting = freeze.objects.filter(state="requested").exclude(requested_by=user)
    ready = production.objects.filter(state="ready").exclude(created_by=user)
    return Q(pk__in=CaseMember.objects.filter(user=user).values("case_id")) & (
        Q(pk__in=waiting.values("case_id")) | Q(pk__in=ready.values("case_id"))
    )


def case_overview(user: User) -> QuerySet[Case]:
    """Open cases as the queues list them: reference, agency, urgency, state, deadlines and
    holder, which every member of staff may see; the user data stays behind the case page."""
    if not roles_of(user) & (CASE_WORKERS | {Role.AUDITOR}):
        return Case.objects.none()
    rank = SqlCase(
        When(urgency=Case.Urgency.EMERGENCY, then=Value(0)),
        When(urgency=Case.Urgency.URGENT, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    return (
        Case.objects.filter(state__in=[s.value for s in OPEN])
        .exclude(state=State.DRAFT)
        .select_related("agency", "entity", "assignee")
        .annotate(urgency_rank=rank)
        .order_by("urgency_rank", "submitted_at", "pk")
    )


class QueueOrder(StrEnum):
    URGENCY = "urgency"  # emergency and urgent first, then oldest submission first
    DUE = "due"  # the soonest live clock first; cases with none last
    NEWEST = "newest"


QUEUE_ORDER_LABELS: dict[QueueOrder, Promise] = {
    QueueOrder.URGENCY: _("Urgency, then oldest"),
    QueueOrder.DUE: _("Due soonest"),
    QueueOrder.NEWEST: _("Newest"),
}


def _search_filter(user: User, text: str) -> Q:
    """A case by its reference, the agency's name or an officer's name or email; and, among the
    cases whose data the user may read, by an identifier the request names (address, TXID,
    UID, email, phone) or an account confirmed behind it."""
    text = text.strip()
    if not text:
        return Q()
    by_people = Case.objects.filter(
        Q(officers__user__username__icontains=text)
        | Q(officers__user__email__icontains=text)
        | Q(officers__user__first_name__icontains=text)
        | Q(officers__user__last_name__icontains=text)
    ).values("pk")
    readable = cases_for_staff(user).values("pk")
    by_target = Target.objects.filter(
        Q(value__iexact=text) | Q(normalised__iexact=text), case__in=readable
    ).values("case_id")
    by_account = SubjectMatch.objects.filter(
        uid=text, status=SubjectMatch.Status.CONFIRMED, target__case__in=readable
    ).values("target__case_id")
    return (
        Q(reference__icontains=text)
        | Q(title__icontains=text, pk__in=readable)
        | Q(agency__name__icontains=text)
        | Q(pk__in=by_people)
        | Q(pk__in=by_target)
        | Q(pk__in=by_account)
    )


def staff_queue(
    user: User,
    queue: Queue = Queue.ALL,
    *,
    state: str = "",
    profile: str = "",
    search: str = "",
    order: QueueOrder = QueueOrder.URGENCY,
) -> QuerySet[Case]:
    """One queue, filtered by state, profile and a search, in the order asked."""
    cases = case_overview(user).filter(_queue_filter(queue, user))
    if state:
        cases = cases.filter(state=state)
    if profile:
        cases = cases.filter(policy_profile=profile)
    if search.strip():
        cases = cases.filter(_search_filter(user, search))
    if order is QueueOrder.DUE:
        cases = cases.annotate(
            next_due=Min("deadlines__due_at", filter=Q(deadlines__status__in=Deadline.LIVE))
        ).order_by(F("next_due").asc(nulls_last=True), "urgency_rank", "pk")
    elif order is QueueOrder.NEWEST:
        cases = cases.order_by("-submitted_at", "-pk")
    return cases


def queue_profiles() -> list[str]:
    """The policy profiles the open cases were submitted under (a deployment that changed
    profile keeps cases of the old one)."""
    return sorted(
        set(
            Case.objects.filter(state__in=[s.value for s in OPEN])
            .exclude(state=State.DRAFT)
            .values_list("policy_profile", flat=True)
        )
    )


def queue_counts(
    user: User, *, state: str = "", profile: str = "", search: str = ""
) -> dict[Queue, int]:
    """The front page's counts, under the same filters as the list: one aggregate query."""
    overview = staff_queue(user, Queue.ALL, state=state, profile=profile, search=search)
    counts = overview.aggregate(
        **{q.value: Count("pk", filter=_queue_filter(q, user), distinct=True) for q in Queue}
    )
    return {q: counts[q.value] or 0 for q in Queue}


def case_timeline(case: Case) -> QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(case_ref=case.reference).order_by("seq")


def case_moves(case: Case, user: User) -> list[Transition]:
    """The transitions this user may attempt from the case's current state."""
    roles = roles_of(user)
    return [t for t in transitions_from(State(case.state)) if t.allows_role(roles)]


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


def messages_for_officer(case: Case) -> QuerySet[Message]:
    """The thread as the agency reads it: shared messages, never the staff's internal notes."""
    return (
        case.messages.filter(visibility=Message.Visibility.SHARED)
        .select_related("author", "author__officer")
        .order_by("created_at", "pk")
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


def fee_notice_get_for_staff(user: User, reference: str, pk: int) -> FeeNotice:
    case = case_get_for_staff(user, reference)
    notice = case.fee_notices.filter(pk=pk).first()
    if notice is None:
        raise NotFound("no such fee notice")
    return notice


def fee_notice_get_for_officer(user: User, reference: str, pk: int) -> FeeNotice:
    case = case_get_for_officer(user, reference)
    notice = case.fee_notices.filter(pk=pk).first()
    if notice is None:
        raise NotFound("no such fee notice")
    return notice


def approved_scope(case: Case) -> ApprovedScope | None:
    return ApprovedScope.objects.filter(case=case).first()


def case_workers() -> QuerySet[User]:
    """Active staff who work on cases (whom a case can be assigned to)."""
    return (
        User.objects.filter(is_active=True, role_grants__role__in=[r.value for r in CASE_WORKERS])
        .distinct()
        .order_by("username")
    )


def staff_colleagues(case: Case) -> QuerySet[User]:
    """Active staff who work on cases and are not on this one yet."""
    return (
        User.objects.filter(is_active=True, role_grants__role__in=[r.value for r in CASE_WORKERS])
        .exclude(pk__in=CaseMember.objects.filter(case=case).values("user_id"))
        .distinct()
        .order_by("username")
    )


def case_page_lists(case: Case, *, matches: bool = False) -> Case:
    """The case, with what its pages list (officers with their users and agencies, targets,
    services; with ``matches``, each target's candidate accounts, which staff see) read in one
    query each, not once per row or per place a page lists them. ``case`` comes from the
    reader's scoping selector."""
    targets = Target.objects.order_by("pk")
    prefetch_related_objects(
        [case],
        Prefetch("officers", queryset=Officer.objects.select_related("user", "agency")),
        Prefetch("targets", queryset=targets.prefetch_related("matches") if matches else targets),
        "services",
    )
    return case
