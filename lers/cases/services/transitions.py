"""Moving a case through its lifecycle: every move goes through ``_move``, which enforces the
table of ``lers.cases.lifecycle`` and records the transition."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from lers.accounts.models import User
from lers.accounts.roles import roles_of
from lers.audit.services import audit_record
from lers.cases.deadlines import (
    deadline_finish,
    deadline_pause,
    deadline_resume,
    deadline_start,
    deadlines_recompute,
)
from lers.cases.jurisdiction import cross_border_of
from lers.cases.lifecycle import LABELS, TERMINAL, TRANSITIONS, UNDER_REVIEW, Guard, State
from lers.cases.models import Case, Deadline, Entity, Message
from lers.cases.notifications import notify_case_changed
from lers.cases.permissions import Step, require, require_on_case
from lers.cases.services.access import lock_case, require_officer_on_case
from lers.cases.services.checklist import case_checklist
from lers.cases.services.document_checks import seal_guard
from lers.cases.services.documents import Attachment, attachment_check, attachments_store
from lers.cases.services.members import member_add
from lers.cases.services.review import ScopeDecision, fees_settled, scope_record
from lers.cases.services.served import case_served_apply, case_served_check, served_hold_guard
from lers.cases.services.thread import message_create
from lers.cases.services.verification import callback_guard
from lers.core.errors import GuardFailed, IllegalTransition, NotPermitted
from lers.core.policy import active_policy
from lers.core.terms import terms_record, terms_required
from lers.core.text import clean_text


def _move(
    *,
    case: Case,
    name: str,
    by: User,
    reason: str = "",
    payload: dict[str, Any] | None = None,
    decline_reasons: list[str] | None = None,
    accept_incomplete: bool = False,
) -> Case:
    """Checks state, role and guards, moves the case, and records the transition."""
    transition = TRANSITIONS[name]
    reason = clean_text(reason)
    locked = lock_case(case)
    if locked.state not in transition.sources:
        raise IllegalTransition(
            _("“%(step)s” is not possible: the request is %(state)s.")
            % {"step": LABELS[name], "state": str(locked.get_state_display()).lower()},
            state=locked.state,
            transition=name,
        )
    roles = roles_of(by)
    if not transition.allows_role(roles):
        raise NotPermitted(f"your role does not allow '{name.replace('_', ' ')}'")
    extra = dict(payload or {})
    for guard in transition.guards:
        if guard is Guard.OFFICER_ON_CASE:
            require_officer_on_case(locked, by)
        elif guard is Guard.STAFF_ON_CASE or (guard is Guard.TAKE and locked.assignee_id):
            require_on_case(by, locked)
        elif guard is Guard.REASON and not reason.strip():
            raise GuardFailed(_("'%(step)s' needs a message") % {"step": LABELS[name]})
        elif guard is Guard.ENTITY and locked.entity_id is None:
            raise GuardFailed(_("route the case to one of the exchange's entities first"))
        elif guard is Guard.DECLINE_REASONS:
            _check_decline_reasons(decline_reasons or [])
            extra["decline_reasons"] = decline_reasons
        elif guard is Guard.CHECKLIST:
            extra.update(_checklist_guard(locked, accept_incomplete=accept_incomplete))
        elif guard is Guard.FEES:
            fees_settled(locked)
        elif guard is Guard.CALLBACK:
            callback_guard(locked)
        elif guard is Guard.SEALS:
            seal_guard(locked)
    previous = locked.state
    locked.state = transition.target
    fields = ["state", "updated_at"]
    if transition.target in TERMINAL:
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
    notify_case_changed(
        case=locked,
        transition=name,
        by=by,
        text=reason,
        decline_reasons=decline_reasons or [],
    )
    return locked


def _check_decline_reasons(codes: list[str]) -> None:
    known = active_policy().decline_reasons
    if not codes:
        raise GuardFailed("a decline names at least one of the policy's reasons")
    unknown = [c for c in codes if c not in known]
    if unknown:
        raise GuardFailed(f"unknown decline reason(s): {', '.join(unknown)}")


def _checklist_guard(case: Case, *, accept_incomplete: bool) -> dict[str, Any]:
    blocking = [gap for gap in case_checklist(case) if gap.blocking]
    if not blocking:
        return {"incomplete": False}
    missing = [gap.requirement.id for gap in blocking]
    gaps = " ".join(gap.message(get_language() or "en") for gap in blocking)
    if active_policy().intake.incomplete_submission == "refused":
        raise GuardFailed(
            _("The request is incomplete: %(gaps)s") % {"gaps": gaps}, missing=missing
        )
    if not accept_incomplete:
        # Where the profile takes incomplete requests, the officer still says so knowingly.
        raise GuardFailed(
            _("The request is incomplete: %(gaps)s Confirm to send it incomplete.")
            % {"gaps": gaps},
            missing=missing,
        )
    return {"incomplete": True, "missing": missing}


def case_submit(
    *, case: Case, by: User, accept_incomplete: bool = False, terms_acknowledged: bool = False
) -> Case:
    """Sends the draft. Where the profile takes incomplete requests, one that misses what the
    checklist requires goes only with ``accept_incomplete`` (the officer's confirmation), and
    is marked incomplete. The profile decides first whom it serves (``services.served``: a
    refusal with the reason, or a hold for staff); where its terms are to be acknowledged, the
    request goes only with ``terms_acknowledged`` (HX-15), recorded with their version."""
    decided = case_served_check(case=case, by=by)
    with transaction.atomic():
        case = _move(case=case, name="submit", by=by, accept_incomplete=accept_incomplete)
        terms = terms_required(acknowledged=terms_acknowledged)
        case.submitted_at = timezone.now()
        fields = ["submitted_at"]
        if terms is not None:
            case.terms_version, case.terms_acknowledged_at = terms.version, case.submitted_at
            fields += ["terms_version", "terms_acknowledged_at"]
            terms_record(terms, actor=by, obj=case, door="submission", case_ref=case.reference)
        case.save(update_fields=fields)
        case_served_apply(case=case, by=by, decided=decided)
        deadline_start(case=case, kind=Deadline.Kind.REVIEW, now=case.submitted_at)
    return case


def case_start_triage(*, case: Case, by: User) -> Case:
    """Triage; an intake analyst who triages a case nobody holds takes it."""
    with transaction.atomic():
        case = _move(case=case, name="start_triage", by=by)
        if case.assignee_id is None:
            case.assignee = by
            case.save(update_fields=["assignee"])
            member_add(case=case, user=by, by=by)
    return case


def case_request_information(*, case: Case, by: User, question: str) -> Case:
    """Ask the agency (HX-13, JU-05): the review clock pauses until the agency answers."""
    with transaction.atomic():
        case = _move(case=case, name="request_information", by=by, reason=question)
        message_create(
            case=case,
            by=by,
            body=clean_text(question),
            visibility=Message.Visibility.SHARED,
            is_question=True,
        )
        deadline_pause(case=case, kind=Deadline.Kind.REVIEW)
        deadline_start(case=case, kind=Deadline.Kind.AGENCY_ANSWER)
    return case


def case_answer(
    *, case: Case, by: User, answer: str, attachments: Sequence[Attachment] = ()
) -> Case:
    """The agency answers, with files if asked for; the case goes back to the queue and the
    review clock resumes."""
    uploads = [(a.doc_type, attachment_check(a)) for a in attachments]
    with transaction.atomic():
        case = _move(case=case, name="answer", by=by, reason=answer)
        message = message_create(
            case=case, by=by, body=clean_text(answer), visibility=Message.Visibility.SHARED
        )
        attachments_store(case=case, by=by, message=message, uploads=uploads)
        deadline_finish(case=case, kind=Deadline.Kind.AGENCY_ANSWER)
        deadline_resume(case=case, kind=Deadline.Kind.REVIEW)
    return case


def case_route(
    *, case: Case, by: User, entity: Entity, note: str = "", suggested: str | None = None
) -> Case:
    """Send the case to the legal entity that holds the subject's data (JU-01), during triage;
    ``suggested`` (the entity code the page or API offered) goes on the record beside it."""
    note = clean_text(note)
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        require(by, Step.ROUTE, case)
        if case.state not in (State.SUBMITTED, State.TRIAGE):
            raise IllegalTransition(_("a case is routed during triage"), state=case.state)
        if not entity.active:
            raise GuardFailed(_("%(entity)s takes no cases") % {"entity": entity})
        previous = case.entity.code if case.entity else None
        case.entity = entity
        case.save(update_fields=["entity", "updated_at"])
        audit_record(
            actor=by,
            action="case.routed",
            obj=case,
            case_ref=case.reference,
            payload={"from": previous, "to": entity.code, "reason": note, "suggested": suggested},
        )
        deadlines_recompute(case=case)
    return case


def case_cross_border_correct(*, case: Case, by: User, value: bool | None, reason: str) -> Case:
    """Staff correct whether the request is cross-border (JU-12) before the decision: ``True``
    or ``False`` against what lers derived from the countries, ``None`` back to the derived
    value; a reason is required and goes on the record."""
    reason = clean_text(reason)
    if not reason:
        raise GuardFailed(_("say why the request is or is not cross-border"))
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        require(by, Step.ROUTE, case)
        if case.state not in UNDER_REVIEW:
            raise IllegalTransition(
                _("whether a request is cross-border is settled before the decision"),
                state=case.state,
            )
        before = cross_border_of(case)
        case.cross_border_corrected = value
        case.cross_border_reason = reason if value is not None else ""
        case.save(update_fields=["cross_border_corrected", "cross_border_reason", "updated_at"])
        after = cross_border_of(case)
        audit_record(
            actor=by,
            action="case.cross_border_corrected",
            obj=case,
            case_ref=case.reference,
            payload={
                "from": before.value,
                "to": after.value,
                "derived": after.derived,
                "corrected": after.corrected,
                "reason": reason,
                "agency_country": after.agency_country,
                "jurisdictions": list(after.jurisdictions),
            },
        )
    return case


def case_send_to_verification(*, case: Case, by: User) -> Case:
    with transaction.atomic():
        locked = lock_case(case)
        if locked.state in TRANSITIONS["send_to_verification"].sources:
            served_hold_guard(locked)
        return _move(case=case, name="send_to_verification", by=by)


def case_verify(*, case: Case, by: User, note: str) -> Case:
    with transaction.atomic():
        return _move(case=case, name="verify", by=by, reason=note)


def case_approve(
    *,
    case: Case,
    by: User,
    note: str,
    scope: ScopeDecision | None = None,
    without_accounts: bool = False,
) -> Case:
    """Approve fully or in part (JU-09): ``scope`` is what the exchange will act on, no wider
    than the request; without it, the request as made (within the cross-border rule).
    ``without_accounts``: approve actions that reach accounts although none is confirmed."""
    with transaction.atomic():
        case = _move(case=case, name="approve", by=by, reason=note)
        scope_record(case=case, by=by, decision=scope, note=note, without_accounts=without_accounts)
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
