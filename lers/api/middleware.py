"""Answers Django gives before an API operation runs (a method the path does not take, a body
over the upload limit) in the
API's one error shape, like every other answer under /api/; an address holding a NUL
character is refused before anything looks it up."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _

from lers.core.errors import error_body


class ApiErrorShapeMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith("/api/") and (
            "\x00" in request.path or "%00" in request.META.get("QUERY_STRING", "")
        ):
            # No database stores a NUL: refused here, not as a failure deep inside.
            message = _("a NUL character is not allowed in the address")
            return JsonResponse(error_body("invalid", message), status=400)
        response = self.get_response(request)
        if (
            request.path.startswith("/api/")
            and response.status_code in (405, 413)
            and not response.get("Content-Type", "").startswith("application/json")
        ):
            if response.status_code == 413:
                message = _("the body is over the upload limit of %(mb)d MB") % {
                    "mb": settings.LERS_MAX_UPLOAD_BYTES // 2**20
                }
                return JsonResponse(error_body("too_large", message), status=413)
            allowed = response.get("Allow", "")
            message = _("%(method)s is not taken here; use %(allowed)s") % {
                "method": request.method,
                "allowed": allowed,
            }
            shaped = JsonResponse(
                error_body("method_not_allowed", message, allowed=allowed), status=405
            )
            shaped["Allow"] = allowed
            return shaped
        return response
