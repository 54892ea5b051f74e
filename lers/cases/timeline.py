"""A case's milestones, read from its audit trail: what happened, who did it and when.

Staff see the milestones with the person who acted, the raw events one click away; the agency
sees the milestones that concern it in plain words, the exchange's staff named only as "the
exchange", never internal steps (routing, notices, internal notes). Both come from the same
events as the audit trail, so the story told is the one on the record.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from lers.agencies.models import Officer
from lers.audit.models import AuditEvent
from lers.cases.models import Case

# action → (what staff read, what the agency reads; None: not shown to the agency)
MILESTONES: dict[str, tuple[Promise, Promise | None]] = {
    "case.submit": (_("Submitted by the agency"), _("You sent the request")),
    "intake.case_created": (_("Received by email"), _("The exchange received your email")),
    "case.start_triage": (_("Triage started"), _("The exchange started reading the request")),
    "case.routed": (_("Routed to an entity"), None),
    "case.cross_border_corrected": (_("Cross-border corrected"), None),
    "case.request_information": (
        _("Information asked of the agency"),
        _("The exchange asked you for information"),
    ),
    "case.answer": (_("The agency answered"), _("You answered the exchange's question")),
    "case.send_to_verification": (
        _("Sent to verification"),
        _("The exchange is verifying the requesting officers"),
    ),
    "case.callback": (_("Call-back recorded"), None),
    "case.verify": (_("Requester verified"), _("The requesting officers were verified")),
    "case.marked_complex": (_("Marked complex"), _("The exchange marked the request complex")),
    "case.approve": (_("Approved"), _("The request was approved")),
    "case.decline": (_("Declined"), _("The request was declined")),
    "case.start_work": (_("Work started"), _("The exchange started the work")),
    "freeze.requested": (_("Freeze asked for"), None),
    "freeze.approved": (_("Freeze approved (second person)"), None),
    "freeze.active": (_("Account frozen"), _("An account was frozen")),
    "freeze.released": (_("Freeze released"), _("A freeze was released")),
    "preservation.placed": (_("Records preserved"), _("The records were preserved")),
    "preservation.extended": (_("Preservation extended"), _("The preservation was extended")),
    "notice.send_requested": (_("User notice sent"), None),
    "production.released": (
        _("Production released (second person)"),
        _("The response is ready to download"),
    ),
    "production.downloaded": (_("Production downloaded"), _("The response was downloaded")),
    "case.respond": (_("Responded"), _("The exchange responded")),
    "case.close": (_("Closed"), _("The case was closed")),
    "case.withdraw": (_("Withdrawn by the agency"), _("You withdrew the request")),
}


# What the agency is told of: the only events a production proves to it (issue 19.4).
AGENCY_MILESTONES = frozenset(action for action, (_s, told) in MILESTONES.items() if told)


@dataclass(frozen=True)
class Milestone:
    at: dt.datetime
    label: Promise
    who: Any  # a person's label, or the exchange / the agency
    detail: str
    seq: int


def _detail(event: AuditEvent) -> str:
    payload = event.payload if isinstance(event.payload, dict) else {}
    if event.action == "case.routed":
        return str(payload.get("to") or "")
    if event.action == "case.cross_border_corrected":
        return "yes" if payload.get("to") else "no"
    if event.action.startswith("freeze.") or event.action == "notice.send_requested":
        return str(payload.get("uid") or "")
    return str(payload.get("reason") or "")


def _events(case: Case) -> list[AuditEvent]:
    return list(
        AuditEvent.objects.filter(case_ref=case.reference, action__in=MILESTONES).order_by("seq")
    )


def staff_milestones(case: Case) -> list[Milestone]:
    """Every milestone of the case with who acted (lers itself: "lers")."""
    return [
        Milestone(
            at=e.occurred_at,
            label=MILESTONES[e.action][0],
            who=e.actor_label or _("lers"),
            detail=_detail(e),
            seq=e.seq,
        )
        for e in _events(case)
    ]


def officer_milestones(case: Case) -> list[Milestone]:
    """The milestones the agency is told of: its own officers by name, the exchange's staff
    and lers itself as "the exchange"; no internal detail."""
    events = [e for e in _events(case) if MILESTONES[e.action][1] is not None]
    agency_users = {
        o.user_id: o.user.get_full_name() or o.user.username
        for o in Officer.objects.filter(agency_id=case.agency_id).select_related("user")
    }
    milestones = []
    for e in events:
        label = MILESTONES[e.action][1]
        assert label is not None
        who: Any = agency_users.get(e.actor_id) or _("the exchange")
        milestones.append(Milestone(at=e.occurred_at, label=label, who=who, detail="", seq=e.seq))
    return milestones
