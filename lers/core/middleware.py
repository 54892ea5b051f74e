"""Maps a domain error escaping a view to its HTTP status (409 for an illegal transition)."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string

from lers.core.errors import DomainError, TooLarge, error_body


class DomainErrorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, DomainError):
            return None
        if "application/json" in request.headers.get("Accept", ""):
            return JsonResponse(
                error_body(exception.code, exception.message), status=exception.http_status
            )
        html = render_to_string("core/domain_error.html", {"error": exception}, request=request)
        return HttpResponse(html, status=exception.http_status)


class RequireSecondFactorMiddleware:
    """Every signed-in account sets up a second factor before anything else (X-01).

    Only a page a person asked for is sent to the set-up page (and remembered as where they
    were going). What the browser fetches by itself (the favicon, ``robots.txt``, static
    files) passes; any other request that is not for a page (``Accept`` without HTML) is
    refused with 403 rather than redirected: a redirect would load the set-up page behind the
    person's back.
    """

    # Setting up the factor (allauth's pages, signing out included), assets, the language.
    EXEMPT = ("/accounts/", "/static/", "/i18n/")
    # What browsers and crawlers ask for by themselves.
    NOT_PAGES = frozenset({"/favicon.ico", "/robots.txt", "/apple-touch-icon.png"})
    # Where the person was going: the set-up pages offer it once the factor is there.
    NEXT_SESSION_KEY = "lers_after_second_factor"

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from lers.accounts.mfa import has_second_factor

        user = getattr(request, "user", None)
        if (
            user is None
            or not user.is_authenticated
            or request.path.startswith(self.EXEMPT)
            or request.path in self.NOT_PAGES
        ):
            return self.get_response(request)
        if has_second_factor(user):
            if self.NEXT_SESSION_KEY in request.session:
                # Past the set-up pages: the "continue" link has served its purpose.
                del request.session[self.NEXT_SESSION_KEY]
            return self.get_response(request)
        if not _wants_page(request):
            return HttpResponse(
                "Set up a second factor first.", status=403, content_type="text/plain"
            )
        if request.method == "GET":
            request.session[self.NEXT_SESSION_KEY] = request.get_full_path()
        return redirect("mfa_activate_totp")


def _wants_page(request: HttpRequest) -> bool:
    """A person's navigation (or a form they sent), not a fetch the page or browser made."""
    if request.method != "GET":
        return True  # a form posted from a page: sent on to set-up, as before
    accept = request.headers.get("Accept", "")
    return not accept or "text/html" in accept


class UploadLimitMiddleware:
    """Refuses a body far over the upload limit from its Content-Length, before Django spools
    it to disk (the services check each file's exact size; this guards the machine)."""

    # Room for the form's other fields and the multipart framing around the file.
    SLACK_BYTES = 2**20

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from django.conf import settings
        from django.utils.translation import gettext as _

        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        limit = settings.LERS_MAX_UPLOAD_BYTES
        if length > limit + self.SLACK_BYTES:
            error = TooLarge(
                _("The upload is %(size).1f MB; the limit is %(limit)d MB per file.")
                % {"size": length / 2**20, "limit": limit // 2**20}
            )
            html = render_to_string("core/domain_error.html", {"error": error}, request=request)
            return HttpResponse(html, status=error.http_status)
        return self.get_response(request)
