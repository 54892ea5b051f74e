"""Agencies' use cases: officers' access requests and the government-domain registry."""

from lers.agencies.services.access import (
    access_proof_add,
    access_proof_open,
    access_proof_preview_open,
    access_request_approve,
    access_request_confirm_email,
    access_request_create,
    access_request_refuse,
    access_request_resend_code,
    access_requests_sweep,
    phone_e164,
)
from lers.agencies.services.directory import access_request_approve_new_agency, agency_create
from lers.agencies.services.registry import (
    domain_registry,
    government_domain_add,
    government_domain_withdraw,
)

__all__ = [
    "access_proof_add",
    "access_proof_open",
    "access_proof_preview_open",
    "access_request_approve",
    "access_request_approve_new_agency",
    "access_request_confirm_email",
    "access_request_create",
    "access_request_refuse",
    "access_request_resend_code",
    "access_requests_sweep",
    "agency_create",
    "domain_registry",
    "government_domain_add",
    "government_domain_withdraw",
    "phone_e164",
]
