"""Use cases of a request: create, fill in, attach, and move it through its lifecycle.

One function per use case; every change writes its audit event in the same transaction.
"""

from lers.cases.services.checklist import case_checklist, case_checklist_preview, case_facts
from lers.cases.services.complexity import case_mark_complex, complex_refusal
from lers.cases.services.document_checks import (
    document_officer_set,
    document_retype,
    document_seal_check,
)
from lers.cases.services.documents import (
    Attachment,
    document_add,
    document_open,
    document_preview_open,
    document_remove,
)
from lers.cases.services.entities import (
    RouteSuggestion,
    entities_for_routing,
    entities_sync,
    route_suggestion,
)
from lers.cases.services.followups import case_request_extension, extension_allowed
from lers.cases.services.members import case_assign, member_add
from lers.cases.services.requests import (
    DRAFT_FIELDS,
    case_add_officer,
    case_create,
    case_open_for_staff,
    case_update_draft,
    draft_changes_check,
)
from lers.cases.services.resolution import case_resolve_targets, subject_decide
from lers.cases.services.review import (
    ScopeDecision,
    actions_without_accounts,
    cross_border_limit,
    fee_notice_answer,
    fee_notice_issue,
    fee_notice_withdraw,
    scope_narrowed,
    scope_proposal,
)
from lers.cases.services.served import case_hold_clear, case_is_held
from lers.cases.services.targets import (
    TARGET_KINDS,
    Candidate,
    Confirmed,
    fund_flow_sheet_add,
    target_add,
    target_candidates,
    target_remove,
    targets_confirm,
)
from lers.cases.services.thread import message_post
from lers.cases.services.transitions import (
    case_answer,
    case_approve,
    case_close,
    case_cross_border_correct,
    case_decline,
    case_request_information,
    case_respond,
    case_route,
    case_send_to_verification,
    case_start_triage,
    case_start_work,
    case_submit,
    case_transition_service,
    case_verify,
    case_withdraw,
)
from lers.cases.services.verification import (
    callback_record,
    case_signals,
    officer_flag,
)

__all__ = [
    "DRAFT_FIELDS",
    "TARGET_KINDS",
    "Attachment",
    "Candidate",
    "Confirmed",
    "RouteSuggestion",
    "ScopeDecision",
    "actions_without_accounts",
    "callback_record",
    "case_add_officer",
    "case_answer",
    "case_approve",
    "case_assign",
    "case_checklist",
    "case_checklist_preview",
    "case_close",
    "case_create",
    "case_cross_border_correct",
    "case_decline",
    "case_facts",
    "case_hold_clear",
    "case_is_held",
    "case_mark_complex",
    "case_open_for_staff",
    "case_request_extension",
    "case_request_information",
    "case_resolve_targets",
    "case_respond",
    "case_route",
    "case_send_to_verification",
    "case_signals",
    "case_start_triage",
    "case_start_work",
    "case_submit",
    "case_transition_service",
    "case_update_draft",
    "case_verify",
    "case_withdraw",
    "complex_refusal",
    "cross_border_limit",
    "document_add",
    "document_officer_set",
    "document_open",
    "document_preview_open",
    "document_remove",
    "document_retype",
    "document_seal_check",
    "draft_changes_check",
    "entities_for_routing",
    "entities_sync",
    "extension_allowed",
    "fee_notice_answer",
    "fee_notice_issue",
    "fee_notice_withdraw",
    "fund_flow_sheet_add",
    "member_add",
    "message_post",
    "officer_flag",
    "route_suggestion",
    "scope_narrowed",
    "scope_proposal",
    "subject_decide",
    "target_add",
    "target_candidates",
    "target_remove",
    "targets_confirm",
]
