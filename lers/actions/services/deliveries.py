"""The outbox: every action for the exchange is a Delivery row written with the decision.

``delivery_enqueue`` runs inside the caller's transaction, so the row and its job exist if and
only if the decision committed. The ``actions.deliver`` job sends it through the active
adapter; the exchange does a key once, so sending again after a crash (between the exchange
acting and lers recording it) is harmless. A retryable failure (timeout, 5xx) leaves it for the
job queue to retry with backoff; a refusal, or the last failed attempt, marks it failed and tells
the staff. When the exchange confirms, the owner's completion hook runs in the same transaction
as the row turning "delivered" (a freeze becomes active, a notice sent...).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from lers.actions.adapters import active_adapter
from lers.actions.models import Delivery
from lers.audit.services import audit_record
from lers.cases.models import Case
from lers.cases.notifications import staff_holding
from lers.core.errors import DomainError, IllegalTransition, NotFound
from lers.core.mail import mail_enqueue
from lers.exchange.actions import Action, ActionError, ActionsAdapter, Outcome
from lers.jobs.models import Job
from lers.jobs.services import job_enqueue

logger = logging.getLogger("lers.actions")

DELIVER_JOB = "actions.deliver"
# Attempts before a delivery that keeps failing (exchange down, timing out) is given up and the
# staff are told: with the queue's backoff (30 s doubling, capped at an hour) about 2 hours.
MAX_ATTEMPTS = 8

Hook = Callable[[Delivery, Outcome | None], None]
_on_delivered: dict[str, Hook] = {}
_on_failed: dict[str, Hook] = {}


class DeliveryRetry(Exception):
    """Raised to the job queue: the exchange may act on a later attempt."""


def on_delivery(owner: str, *, delivered: Hook, failed: Hook | None = None) -> None:
    """Register what happens to ``owner`` objects when their action is confirmed or fails
    (staff hear of every failure by email whatever the owner does)."""
    _on_delivered[owner] = delivered
    if failed is not None:
        _on_failed[owner] = failed


def delivery_enqueue(
    *,
    case: Case,
    kind: str,
    uid: str,
    key: str,
    details: dict[str, Any],
    owner: str,
    owner_id: int,
) -> Delivery:
    """Write the outbox row and its job, in the caller's transaction."""
    Action(kind=kind, key=key, uid=uid, case=case.reference, details=details)  # validates
    delivery = Delivery.objects.create(
        case=case,
        kind=kind,
        key=key,
        uid=uid,
        details=details,
        owner=owner,
        owner_id=owner_id,
    )
    job_enqueue(name=DELIVER_JOB, payload={"delivery": delivery.pk}, key=f"deliver:{key}")
    return delivery


def delivery_run(delivery_id: int, *, adapter: ActionsAdapter | None = None) -> None:
    """One attempt at sending a delivery (the job's body)."""
    delivery = Delivery.objects.select_related("case").get(pk=delivery_id)
    if delivery.status != Delivery.Status.PENDING:
        return  # done by an earlier attempt whose job record was lost in a crash
    action = Action(
        kind=delivery.kind,
        key=delivery.key,
        uid=delivery.uid,
        case=delivery.case.reference,
        details=delivery.details,
    )
    Delivery.objects.filter(pk=delivery.pk).update(attempts=F("attempts") + 1)
    attempts = delivery.attempts + 1
    try:
        outcome = (adapter or active_adapter()).perform(action)
    except Exception as exc:
        if not isinstance(exc, ActionError):
            logger.exception("delivery %s: unexpected failure", delivery)
            exc = ActionError(f"{type(exc).__name__}: {exc}", retryable=True)
        if exc.retryable and attempts < MAX_ATTEMPTS:
            Delivery.objects.filter(pk=delivery.pk).update(last_error=str(exc))
            raise DeliveryRetry(f"attempt {attempts} of {MAX_ATTEMPTS}: {exc}") from None
        _failed(delivery.pk, str(exc), attempts=attempts, answered=not exc.retryable)
        return
    _delivered(delivery.pk, outcome)


# A delivery the exchange never answered may still be confirmed, or refused, by its callback.
_OPEN = (Delivery.Status.PENDING,)
_ANSWERABLE = (Delivery.Status.PENDING, Delivery.Status.UNCONFIRMED)


def _delivered(delivery_id: int, outcome: Outcome, *, open_states: tuple[str, ...] = _OPEN) -> None:
    with transaction.atomic():
        delivery = Delivery.objects.select_for_update().select_related("case").get(pk=delivery_id)
        if delivery.status not in open_states:
            return
        delivery.status = Delivery.Status.DELIVERED
        delivery.reference = outcome.reference
        delivery.delivered_at = timezone.now()
        delivery.save(update_fields=["status", "reference", "delivered_at"])
        audit_record(
            actor=None,
            action="action.delivered",
            obj=delivery,
            case_ref=delivery.case.reference,
            payload={
                "kind": delivery.kind,
                "uid": delivery.uid,
                "key": delivery.key,
                "reference": outcome.reference,
                "repeated": outcome.repeated,
                "attempts": delivery.attempts,
            },
        )
        hook = _on_delivered.get(delivery.owner)
        if hook is not None:
            hook(delivery, outcome)


def _failed(
    delivery_id: int,
    error: str,
    *,
    attempts: int,
    answered: bool,
    open_states: tuple[str, ...] = _OPEN,
) -> None:
    """``answered``: the exchange refused (it did nothing); otherwise it never answered and
    may have acted, which the row says (UNCONFIRMED) instead of claiming a failure."""
    with transaction.atomic():
        delivery = Delivery.objects.select_for_update().select_related("case").get(pk=delivery_id)
        if delivery.status not in open_states:
            return
        delivery.status = Delivery.Status.FAILED if answered else Delivery.Status.UNCONFIRMED
        delivery.last_error = error
        delivery.save(update_fields=["status", "last_error"])
        audit_record(
            actor=None,
            action="action.failed" if answered else "action.unconfirmed",
            obj=delivery,
            case_ref=delivery.case.reference,
            payload={"kind": delivery.kind, "uid": delivery.uid, "error": error},
        )
        hook = _on_failed.get(delivery.owner)
        if hook is not None:
            hook(delivery, None)
        mail_enqueue(
            to=staff_holding(delivery.case),
            template="action_failed",
            context={"case": delivery.case, "delivery": delivery, "attempts": attempts},
        )
    logger.error("delivery %s failed after %d attempts: %s", delivery, attempts, error)


def deliveries_reconcile() -> int:
    """Deliveries whose job the queue gave up on (a worker killed on the last attempt) are
    marked unconfirmed and the staff told, instead of staying pending for ever."""
    dead = set(
        Job.objects.filter(name=DELIVER_JOB, status=Job.Status.DEAD).values_list(
            "idempotency_key", flat=True
        )
    )
    count = 0
    for delivery_id, key, attempts in Delivery.objects.filter(
        status=Delivery.Status.PENDING
    ).values_list("pk", "key", "attempts"):
        if f"deliver:{key}" in dead:
            _failed(
                delivery_id,
                "the delivery job was given up after its worker was lost",
                attempts=attempts,
                answered=False,
            )
            count += 1
    return count


def is_latest(delivery: Delivery) -> bool:
    """Whether ``delivery`` is its owner's most recent action: a late word on an earlier one
    (a freeze confirmed after its release was sent) must not move the owner back."""
    latest = (
        Delivery.objects.filter(owner=delivery.owner, owner_id=delivery.owner_id)
        .order_by("-pk")
        .values_list("pk", flat=True)
        .first()
    )
    return latest == delivery.pk


def _agrees(delivery: Delivery, done: bool, reference: str) -> bool:
    if delivery.status == Delivery.Status.DELIVERED:
        return done and reference == delivery.reference
    return not done  # FAILED: the exchange refused it


def delivery_callback(*, key: str, done: bool, reference: str = "", error: str = "") -> Delivery:
    """The exchange's back office reports, on its own initiative, what became of an action
    (a signed callback, X-11): done, with its reference, or refused. It settles an action
    still waiting or one whose answer was lost (UNCONFIRMED); the same report again changes
    nothing. A report that contradicts what lers recorded (done after a refusal, another
    reference) changes nothing either: it is recorded, the staff are told, and the caller
    gets a conflict."""
    reference = reference.strip()[:200]
    delivery = Delivery.objects.select_related("case").filter(key=key).first()
    if delivery is None:
        raise NotFound("no action with this key")
    if done and not reference:
        raise DomainError("a completed action needs the exchange's reference")
    if delivery.status not in _ANSWERABLE:
        if not _agrees(delivery, done, reference):
            with transaction.atomic():
                audit_record(
                    actor=None,
                    action="action.callback_conflict",
                    obj=delivery,
                    case_ref=delivery.case.reference,
                    payload={
                        "kind": delivery.kind,
                        "recorded": delivery.status,
                        "reported": "done" if done else "refused",
                        "reference": reference,
                        "error": error[:500],
                    },
                )
                mail_enqueue(
                    to=staff_holding(delivery.case),
                    template="action_conflict",
                    context={
                        "case": delivery.case,
                        "delivery": delivery,
                        "reported": "done" if done else "refused",
                        "reference": reference,
                    },
                )
            raise IllegalTransition(
                "the exchange's report contradicts what lers recorded: the staff are told",
                state=delivery.status,
            )
        return delivery
    if done:
        _delivered(delivery.pk, Outcome(reference=reference), open_states=_ANSWERABLE)
    else:
        _failed(
            delivery.pk,
            f"refused by the exchange: {error.strip() or 'no reason given'}"[:1000],
            attempts=delivery.attempts,
            answered=True,
            open_states=_ANSWERABLE,
        )
    delivery.refresh_from_db()
    return delivery
