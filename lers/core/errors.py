"""Domain errors: raised by services, mapped to HTTP statuses only at the edges."""

from __future__ import annotations


class DomainError(Exception):
    """A rule of the domain refused the operation."""

    http_status = 409
    code = "conflict"

    def __init__(self, message: str, **details: object) -> None:
        super().__init__(message)
        self.message = message
        self.details = details


class IllegalTransition(DomainError):
    """The object is not in a state from which this move is allowed."""

    code = "illegal_transition"


class GuardFailed(DomainError):
    """The move is allowed from this state, but a precondition is not met."""

    code = "guard_failed"


class ExtensionNeedsRequest(DomainError):
    """The policy extends a preservation only on the agency's extension request (BN-05)."""

    code = "extension_needs_request"


class NotPermitted(DomainError):
    """The actor's role does not allow this operation."""

    http_status = 403
    code = "not_permitted"


class NotServed(DomainError):
    """The profile does not serve this requester or this request (JU-02, HX-01, HX-03, BN-01):
    the message says why, for the person refused."""

    http_status = 403
    code = "not_served"


class TermsNotAcknowledged(DomainError):
    """The profile's terms are to be acknowledged before this step (HX-15); the details carry
    the text and its version."""

    http_status = 422
    code = "terms_not_acknowledged"


class NotFound(DomainError):
    """No such object within what the actor may see (another agency's case is one of these)."""

    http_status = 404
    code = "not_found"


class TooLarge(DomainError):
    """An upload over the configured limit."""

    http_status = 413
    code = "too_large"


def error_body(code: str, message: str, **details: object) -> dict[str, object]:
    """The one JSON shape of an error, for the API and any JSON answer of the pages:
    ``{"error": {"code": …, "message": …, "details": {…}}}``."""
    return {"error": {"code": code, "message": message, "details": details}}
