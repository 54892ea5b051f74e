"""What the officer's and the staff's case pages share: the context and the transition form."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy

from lers.cases.lifecycle import EXPLANATIONS, LABELS, TRANSITIONS, Guard, State, Transition
from lers.cases.models import Case, Deadline
from lers.cases.review_time import review_expectation
from lers.cases.selectors import case_moves, documents_for_officer, messages_for_officer
from lers.cases.services import case_checklist, case_transition_service
from lers.core.errors import DomainError
from lers.core.policy import active_policy

# Which keyword of each transition's service carries the free text of the form.
TEXT_ARGUMENT = {
    "request_information": "question",
    "answer": "answer",
    "verify": "note",
    "approve": "note",
    "decline": "message",
    "respond": "note",
    "withdraw": "reason",
}


# What the free-text field of each step is for, said on its label.
TEXT_LABELS: dict[str, Any] = {
    "request_information": gettext_lazy("Question to the agency"),
    "answer": gettext_lazy("Your answer"),
    "verify": gettext_lazy("How the requester was verified (on the record)"),
    "decline": gettext_lazy("Message to the agency"),
    "respond": gettext_lazy("Note on the response (on the record)"),
    "withdraw": gettext_lazy("Why the request is withdrawn"),
}
# The step that moves the case on in its state; the others (ask, decline) are a click away.
PRIMARY_MOVES = frozenset(
    {"start_triage", "send_to_verification", "verify", "approve", "start_work", "respond", "close"}
)


def case_context(case: Case, user: Any, *, staff: bool) -> dict[str, Any]:
    policy = active_policy()
    messages = (
        case.messages.select_related("author") if staff else messages_for_officer(case)
    ).prefetch_related("attachments")
    moves = [
        {
            "name": t.name,
            "label": LABELS[t.name],
            "needs_text": Guard.REASON in t.guards or t.name == "withdraw",
            "text_label": TEXT_LABELS.get(t.name, ""),
            "primary": t.name in PRIMARY_MOVES,
        }
        for t in case_moves(case, user)
    ]
    deadlines = case.deadlines.order_by("started_at")
    if not staff and not policy.sla.review_target_published:
        # The exchange's internal review target is not a promise to the agency.
        deadlines = deadlines.exclude(kind=Deadline.Kind.REVIEW)
    return {
        "case": case,
        "staff": staff,
        # In the agency's voice ("Withdrawn by your agency."): the officer's page only.
        "explanation": "" if staff else EXPLANATIONS[State(case.state)],
        "deadlines": deadlines,
        # What the officer is told of the review's length (HX-14); staff see the clock itself.
        "review_expectation": "" if staff else review_expectation(case),
        "checklist": case_checklist(case) if case.state == State.DRAFT or staff else [],
        "messages_list": messages,
        # Staff see every file; officers never those attached to internal notes.
        "documents": case.documents.order_by("pk") if staff else documents_for_officer(case),
        "moves": moves,
        "has_primary": any(m["primary"] and m["name"] != "approve" for m in moves),
        "secondary_moves": any(not m["primary"] and m["name"] != "approve" for m in moves),
        "decline_reasons": list(policy.decline_reasons.items()),
        "decline_labels": [
            policy.decline_reasons[c].label
            for c in case.decline_reasons
            if c in policy.decline_reasons
        ],
    }


def apply_transition(request: HttpRequest, case: Case, name: str) -> Case:
    """Parses the transition form and calls its service; domain errors reach the middleware."""
    transition: Transition | None = TRANSITIONS.get(name)
    if transition is None:
        raise DomainError(f"no such step: {name}")
    kwargs: dict[str, Any] = {}
    if name in TEXT_ARGUMENT:
        kwargs[TEXT_ARGUMENT[name]] = request.POST.get("text", "")
    if name == "decline":
        kwargs["reasons"] = request.POST.getlist("reasons")
    return case_transition_service(name)(case=case, by=request.user, **kwargs)
