"""``/api/v1/``: the REST API (X-11) and its OpenAPI document at ``/api/v1/openapi.json``
(browsable at ``/api/v1/docs``, its scripts served from here)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import path, re_path
from django.utils.translation import gettext as _
from ninja import NinjaAPI

from lers.api import errors, exchange, officer, staff
from lers.api.auth import AnonymousRate, TokenAuth, TokenRate

api = NinjaAPI(
    title="lers API",
    version="1",
    description=(
        "The Law Enforcement Request System's API for agencies' case systems and the "
        "exchange's back office. Every error has one shape: "
        '`{"error": {"code", "message", "details"}}`. Creating requests honour an '
        "`Idempotency-Key` header. Rates are limited per token (429 with `Retry-After`)."
    ),
    urls_namespace="api-v1",
    openapi_url="/openapi.json",
    docs_url="/docs",
    auth=TokenAuth(),
    throttle=[
        TokenRate(),
        AnonymousRate(),
    ],
)
errors.install(api)
api.add_router("", officer.router)
api.add_router("", staff.router)
api.add_router("", exchange.router)


def unknown(request: HttpRequest, rest: str) -> HttpResponse:
    return errors.json_error(404, "not_found", _("no such API path: %(p)s") % {"p": request.path})


urlpatterns = [
    path("", api.urls),
    re_path(r"^(?P<rest>.*)$", unknown),
]
