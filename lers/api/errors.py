"""One shape for every error the API gives (X-11)::

    {"error": {"code": "not_found", "message": "no such case", "details": {}}}

``code`` is stable for programs, ``message`` is for people (in the request's language where
lers has it), ``details`` holds what the code needs (the invalid fields, the seconds to wait).
"""

from __future__ import annotations

import logging
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, Throttled, ValidationError

from lers.core.errors import DomainError, error_body

log = logging.getLogger("lers.api")


class ErrorBody(Schema):
    code: str
    message: str
    details: dict[str, Any] = {}


class ErrorOut(Schema):
    error: ErrorBody


def json_error(status: int, code: str, message: str, **details: Any) -> HttpResponse:
    """An error answered outside an operation (an unknown path)."""
    return JsonResponse(error_body(code, message, **details), status=status)


def _plain(value: Any) -> Any:
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    if isinstance(value, list | tuple | set):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return str(value)


def _invalid(errors: list[dict[str, Any]]) -> tuple[str, list[dict[str, Any]]]:
    fields = []
    for error in errors:
        # ninja names where a value came from first ("body", "query", "path", "header").
        where = [str(part) for part in error.get("loc", ())]
        fields.append({"field": ".".join(where), "message": str(error.get("msg", ""))})
    summary = "; ".join(f"{f['field']}: {f['message']}" for f in fields[:5])
    return summary, fields


def install(api: NinjaAPI) -> None:
    def respond(request: HttpRequest, status: int, body: dict[str, Any]) -> HttpResponse:
        return api.create_response(request, body, status=status)

    @api.exception_handler(DomainError)
    def domain(request: HttpRequest, exc: DomainError) -> HttpResponse:
        # A rule that refuses the input itself is a 422; a state that forbids it now, a 409.
        status = 422 if type(exc) is DomainError else exc.http_status
        code = "rejected" if type(exc) is DomainError else exc.code
        return respond(request, status, error_body(code, exc.message, **_plain(exc.details)))

    @api.exception_handler(ValidationError)
    def invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        summary, fields = _invalid(list(exc.errors))
        message = _("the request is not valid: %(what)s") % {"what": summary}
        return respond(request, 422, error_body("invalid", message, fields=fields))

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        response = respond(
            request,
            401,
            error_body(
                "unauthenticated",
                _("a valid API token is needed: Authorization: Bearer lers_…"),
            ),
        )
        response["WWW-Authenticate"] = 'Bearer realm="lers"'
        return response

    @api.exception_handler(Throttled)
    def throttled(request: HttpRequest, exc: Throttled) -> HttpResponse:
        wait = int(getattr(exc, "wait", 0) or 1)
        response = respond(
            request,
            429,
            error_body(
                "rate_limited",
                _("too many requests: try again in %(n)d s") % {"n": wait},
                retry_after=wait,
            ),
        )
        response["Retry-After"] = str(wait)
        return response

    @api.exception_handler(MultiPartParserError)
    def unreadable(request: HttpRequest, exc: MultiPartParserError) -> HttpResponse:
        message = _("the body could not be read: %(why)s") % {"why": exc}
        return respond(request, 400, error_body("bad_body", message))

    @api.exception_handler(HttpError)
    def http(request: HttpRequest, exc: HttpError) -> HttpResponse:
        return respond(request, exc.status_code, error_body("http_error", str(exc)))

    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return respond(request, 404, error_body("not_found", str(exc) or _("not found")))

    @api.exception_handler(Exception)
    def server(request: HttpRequest, exc: Exception) -> HttpResponse:
        log.exception("API %s %s failed", request.method, request.path)
        return respond(
            request,
            500,
            error_body("server_error", _("lers failed to answer; the error is logged")),
        )
