"""Requesting access: sign up, prove the mailbox, attach proof of authority, follow the status."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lers.accounts.services import sign_in_after_access_request
from lers.agencies.models import AccessRequest
from lers.agencies.selectors import access_request_of
from lers.agencies.served import written_authorisation_missing
from lers.agencies.services import (
    access_proof_add,
    access_request_confirm_email,
    access_request_create,
    access_request_resend_code,
)
from lers.core.errors import DomainError, TermsNotAcknowledged
from lers.core.middleware import RequireSecondFactorMiddleware
from lers.core.terms import terms_shown
from lers.portal.forms import AccessRequestForm, CodeForm, ProofForm

SESSION_KEY = "lers_access_request"


def access_start(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("portal-access-status")
    form = AccessRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            created = access_request_create(**form.cleaned_data, language=get_language())
        except TermsNotAcknowledged as exc:
            form.add_error("terms_acknowledged", exc.message)
        except DomainError as exc:
            form.add_error(None, exc.message)  # everything typed stays in the form
        else:
            request.session[SESSION_KEY] = created.pk if created else None
            messages.info(
                request,
                _("We sent a code to %(email)s. Enter it below.")
                % {"email": form.cleaned_data["email"]},
            )
            return redirect("portal-access-confirm")
    return render(request, "portal/access_start.html", {"form": form, "terms": terms_shown()})


def _pending(request: HttpRequest) -> AccessRequest | None:
    pk = request.session.get(SESSION_KEY)
    return AccessRequest.objects.filter(pk=pk).first() if pk else None


def access_confirm(request: HttpRequest) -> HttpResponse:
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        pending = _pending(request)
        if pending is None:
            form.add_error("code", _("That code is not right."))
        else:
            try:
                confirmed = access_request_confirm_email(
                    access_request=pending, code=form.cleaned_data["code"]
                )
            except DomainError as exc:
                form.add_error("code", exc.message)
            else:
                del request.session[SESSION_KEY]
                # The password was set and the mailbox proven in this browser a moment ago:
                # no second sign-in; the next step is the second factor.
                sign_in_after_access_request(request, confirmed.user)
                messages.success(
                    request,
                    _(
                        "%(email)s is confirmed. Now set up your second factor; then attach "
                        "your proof of authority."
                    )
                    % {"email": confirmed.user.email},
                )
                request.session[RequireSecondFactorMiddleware.NEXT_SESSION_KEY] = reverse(
                    "portal-access-status"
                )
                return redirect("mfa_activate_totp")
    return render(request, "portal/access_confirm.html", {"form": form})


@require_POST
def access_resend(request: HttpRequest) -> HttpResponse:
    pending = _pending(request)
    if pending is not None:
        try:
            access_request_resend_code(access_request=pending)
        except DomainError as exc:
            messages.error(request, exc.message)
    messages.info(request, _("If a request is waiting for its code, a new code is on its way."))
    return redirect("portal-access-confirm")


@login_required
def access_status(request: HttpRequest) -> HttpResponse:
    own = access_request_of(request.user)
    if own is None:
        return redirect("portal-cases")
    form = ProofForm()
    return render(
        request,
        "portal/access_status.html",
        {
            "access_request": own,
            "proofs": own.proofs.all(),
            "form": form,
            "authorisation_missing": written_authorisation_missing(own),
        },
    )


@login_required
@require_POST
def access_proof(request: HttpRequest) -> HttpResponse:
    own = access_request_of(request.user)
    if own is None:
        return redirect("portal-cases")
    form = ProofForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            access_proof_add(
                access_request=own,
                by=request.user,
                doc_type=form.cleaned_data["doc_type"],
                name=upload.name,
                content=upload,
            )
        except DomainError as exc:
            form.add_error("file", exc.message)
        else:
            messages.success(request, _("Thank you: the document is attached."))
            return redirect("portal-access-status")
    return render(
        request,
        "portal/access_status.html",
        {"access_request": own, "proofs": own.proofs.all(), "form": form},
        status=400,
    )
