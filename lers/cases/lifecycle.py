"""The case lifecycle of DESIGN.md as one explicit transition table.

Each transition names the states it leaves, the state it enters, the roles that may make it,
and its guards (checked by ``lers.cases.services``). Anything not in the table is illegal.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _

from lers.accounts.models import Role


class State(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    TRIAGE = "triage", _("In triage")
    AWAITING_INFORMATION = "awaiting_information", _("Awaiting your information")
    VERIFICATION = "verification", _("Verifying the requester")
    LEGAL_REVIEW = "legal_review", _("In legal review")
    APPROVED = "approved", _("Approved")
    IN_PROGRESS = "in_progress", _("In progress")
    RESPONDED = "responded", _("Responded")
    CLOSED = "closed", _("Closed")
    DECLINED = "declined", _("Declined")
    WITHDRAWN = "withdrawn", _("Withdrawn")


TERMINAL = frozenset({State.CLOSED, State.DECLINED, State.WITHDRAWN})
OPEN = frozenset(State) - TERMINAL
# The review clock runs while the exchange holds the case before its decision.
UNDER_REVIEW = frozenset({State.SUBMITTED, State.TRIAGE, State.VERIFICATION, State.LEGAL_REVIEW})
# Staff work on the case's accounts (resolve, freeze, preserve, notify) from triage to the end
# of the work, not while it waits for the agency or after the response.
WORKING = frozenset(
    {State.TRIAGE, State.VERIFICATION, State.LEGAL_REVIEW, State.APPROVED, State.IN_PROGRESS}
)

# Where the state's name is in the agency's voice, what staff read instead.
STAFF_STATE_LABELS: dict[State, str] = {
    State.AWAITING_INFORMATION: _("Awaiting the agency's information"),
    State.WITHDRAWN: _("Withdrawn by the agency"),
}


def state_label(state: str, *, staff: bool) -> str:
    """The state's name as the reader's side says it."""
    known = State(state)
    if staff and known in STAFF_STATE_LABELS:
        return STAFF_STATE_LABELS[known]
    return str(known.label)


# What the officer reads next to the state, in plain language.
EXPLANATIONS: dict[State, str] = {
    State.DRAFT: _("Not sent yet. Complete the checklist and submit when ready."),
    State.SUBMITTED: _("Received. The compliance team will triage it."),
    State.TRIAGE: _("The compliance team is checking completeness and urgency."),
    State.AWAITING_INFORMATION: _(
        "The compliance team asked you a question. The review clock is paused until you answer."
    ),
    State.VERIFICATION: _("The compliance team is verifying the requesting officers."),
    State.LEGAL_REVIEW: _("The legal basis and scope are under review."),
    State.APPROVED: _("Approved, fully or in part. The exchange will act on the approved scope."),
    State.IN_PROGRESS: _("The exchange is carrying out the approved actions."),
    State.RESPONDED: _("The exchange has responded. Check the case page for the response."),
    State.CLOSED: _("Closed."),
    State.DECLINED: _("Declined. The reasons are on the case page."),
    State.WITHDRAWN: _("Withdrawn by your agency."),
}


class Guard(models.TextChoices):
    """Preconditions a transition checks beyond the state and the role."""

    OFFICER_ON_CASE = "officer_on_case", "the officer is on the case"
    STAFF_ON_CASE = "staff_on_case", "the member of staff is on the case (X-07)"
    # The one way onto a case without being added: an intake analyst takes a new case that
    # nobody holds by triaging it.
    TAKE = "take", "the member of staff is on the case, or takes a new case nobody holds"
    CHECKLIST = "checklist", "the policy's checklist is met, or the profile accepts it incomplete"
    REASON = "reason", "a reason (message to the agency) is given"
    DECLINE_REASONS = "decline_reasons", "one or more of the policy's decline reasons are given"
    ENTITY = "entity", "the case is routed to one of the exchange's entities"
    CALLBACK = "callback", "a confirmed call-back to the directory number, where required (X-04)"
    SEALS = "seals", "each official document's seal or signature confirmed, where required (JU-18)"
    FEES = "fees", "no fee notice waits for the agency or stands refused (JU-19)"


@dataclass(frozen=True)
class Transition:
    name: str
    sources: frozenset[State]
    target: State
    roles: frozenset[Role]
    guards: tuple[Guard, ...] = ()

    def allows_role(self, roles: frozenset[Role]) -> bool:
        return bool(self.roles & roles)


_ANALYST = frozenset({Role.INTAKE_ANALYST})
_REVIEW = frozenset({Role.INTAKE_ANALYST, Role.LEGAL_REVIEWER})

TRANSITIONS: dict[str, Transition] = {
    t.name: t
    for t in (
        Transition(
            "submit",
            frozenset({State.DRAFT}),
            State.SUBMITTED,
            frozenset({Role.OFFICER}),
            (Guard.OFFICER_ON_CASE, Guard.CHECKLIST),
        ),
        Transition(
            "start_triage", frozenset({State.SUBMITTED}), State.TRIAGE, _ANALYST, (Guard.TAKE,)
        ),
        Transition(
            "request_information",
            frozenset({State.TRIAGE, State.VERIFICATION, State.LEGAL_REVIEW}),
            State.AWAITING_INFORMATION,
            _REVIEW,
            (Guard.STAFF_ON_CASE, Guard.REASON),
        ),
        Transition(
            "answer",
            frozenset({State.AWAITING_INFORMATION}),
            State.SUBMITTED,
            frozenset({Role.OFFICER}),
            (Guard.OFFICER_ON_CASE, Guard.REASON),
        ),
        Transition(
            "send_to_verification",
            frozenset({State.TRIAGE}),
            State.VERIFICATION,
            _ANALYST,
            (Guard.STAFF_ON_CASE, Guard.ENTITY),
        ),
        Transition(
            "verify",
            frozenset({State.VERIFICATION}),
            State.LEGAL_REVIEW,
            _ANALYST,
            (Guard.STAFF_ON_CASE, Guard.REASON, Guard.CALLBACK, Guard.SEALS),
        ),
        Transition(
            "approve",
            frozenset({State.LEGAL_REVIEW}),
            State.APPROVED,
            frozenset({Role.LEGAL_REVIEWER}),
            (Guard.STAFF_ON_CASE, Guard.REASON),
        ),
        Transition(
            "decline",
            frozenset({State.TRIAGE, State.VERIFICATION, State.LEGAL_REVIEW}),
            State.DECLINED,
            _REVIEW,
            (Guard.STAFF_ON_CASE, Guard.DECLINE_REASONS, Guard.REASON),
        ),
        Transition(
            "start_work",
            frozenset({State.APPROVED}),
            State.IN_PROGRESS,
            frozenset({Role.OPERATOR}),
            (Guard.STAFF_ON_CASE, Guard.FEES),
        ),
        Transition(
            "respond",
            frozenset({State.IN_PROGRESS}),
            State.RESPONDED,
            frozenset({Role.OPERATOR}),
            (Guard.STAFF_ON_CASE, Guard.REASON),
        ),
        Transition(
            "close",
            frozenset({State.RESPONDED}),
            State.CLOSED,
            frozenset({Role.INTAKE_ANALYST, Role.LEGAL_REVIEWER, Role.OPERATOR}),
            (Guard.STAFF_ON_CASE,),
        ),
        Transition(
            "withdraw",
            OPEN,
            State.WITHDRAWN,
            frozenset({Role.OFFICER}),
            (Guard.OFFICER_ON_CASE,),
        ),
    )
}


# What the button says.
LABELS: dict[str, str] = {
    "submit": _("Submit"),
    "start_triage": _("Start triage"),
    "request_information": _("Ask the agency"),
    "answer": _("Answer"),
    "send_to_verification": _("Send to verification"),
    "verify": _("Verified"),
    "approve": _("Approve"),
    "decline": _("Decline"),
    "start_work": _("Start work"),
    "respond": _("Responded"),
    "close": _("Close"),
    "withdraw": _("Withdraw"),
}


def transitions_from(state: State) -> list[Transition]:
    return [t for t in TRANSITIONS.values() if state in t.sources]
