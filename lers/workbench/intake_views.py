"""The intake queue page: messages to the law-enforcement mailbox that wait for a person."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lers.cases.models import CallBack
from lers.core.downloads import attachment_response
from lers.intake.selectors import intake_get, intake_queue
from lers.intake.services import intake_handle, intake_open_raw
from lers.intake.verification import intake_sender_verify
from lers.workbench.outcome import act

PAGE = 200


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    everything = request.GET.get("all") == "1"
    listed = list(intake_queue(request.user, everything=everything)[:PAGE])
    return render(
        request,
        "workbench/intake.html",
        {
            "messages_list": listed,
            "everything": everything,
            "call_outcomes": CallBack.Outcome.choices,
        },
    )


@login_required
def raw(request: HttpRequest, pk: int) -> FileResponse:
    intake = intake_open_raw(intake=intake_get(request.user, pk), by=request.user)
    return attachment_response(
        intake.raw, filename=f"{intake.sha256}.eml", content_type="message/rfc822"
    )


@login_required
@require_POST
def handle(request: HttpRequest, pk: int) -> HttpResponse:
    intake = intake_get(request.user, pk)
    return act(
        request,
        lambda: intake_handle(intake=intake, by=request.user, note=request.POST.get("note", "")),
        _("Recorded."),
        "workbench-intake",
    )


@login_required
@require_POST
def verify(request: HttpRequest, pk: int) -> HttpResponse:
    """The telephone verification of a sender who is not a registered officer (JU-03)."""
    intake = intake_get(request.user, pk)
    return act(
        request,
        lambda: intake_sender_verify(
            intake=intake,
            by=request.user,
            number=request.POST.get("number", ""),
            outcome=request.POST.get("outcome", ""),
            name=request.POST.get("name", ""),
            note=request.POST.get("note", ""),
        ),
        _("The verification call is recorded."),
        "workbench-intake",
    )
