"""Staff review of officers' access requests (BN-02): queue, detail, proofs, decision."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lers.agencies.models import Agency
from lers.agencies.selectors import (
    access_proof_get_for_staff,
    access_request_get_for_staff,
    access_requests_queue,
    agencies_in,
)
from lers.agencies.services import (
    access_proof_open,
    access_request_approve,
    access_request_approve_new_agency,
    access_request_refuse,
)
from lers.core.downloads import attachment_response
from lers.core.errors import DomainError, NotFound


@login_required
def access_queue(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "workbench/access_queue.html",
        {"requests": access_requests_queue(request.user), "now": timezone.now()},
    )


@login_required
def access_detail(request: HttpRequest, pk: int) -> HttpResponse:
    access_request = access_request_get_for_staff(request.user, pk)
    return render(
        request,
        "workbench/access_detail.html",
        {
            "access_request": access_request,
            "proofs": access_request.proofs.all(),
            "agencies": agencies_in(access_request.country),
            "kinds": Agency.Kind.choices,
        },
    )


@login_required
def access_proof_download(request: HttpRequest, pk: int, proof_pk: int) -> FileResponse:
    proof = access_proof_open(
        user=request.user, proof=access_proof_get_for_staff(request.user, pk, proof_pk)
    )
    return attachment_response(
        proof.file, filename=proof.original_name, content_type=proof.content_type
    )


@login_required
@require_POST
def access_decide(request: HttpRequest, pk: int) -> HttpResponse:
    access_request = access_request_get_for_staff(request.user, pk)
    try:
        if request.POST.get("decision") == "refuse":
            access_request_refuse(
                access_request=access_request,
                by=request.user,
                reason=request.POST.get("reason", ""),
            )
            messages.success(request, _("Refused; the officer has been told."))
            return redirect("workbench-access")
        choice = request.POST.get("agency", "")
        if choice == "new":
            access_request_approve_new_agency(
                access_request=access_request,
                by=request.user,
                kind=request.POST.get("kind", Agency.Kind.POLICE),
                hold_note=request.POST.get("hold_note", ""),
            )
        else:
            agency = agencies_in(access_request.country).filter(pk=choice or 0).first()
            if agency is None:
                raise NotFound("choose one of the agencies listed")
            access_request_approve(
                access_request=access_request,
                by=request.user,
                agency=agency,
                hold_note=request.POST.get("hold_note", ""),
            )
    except NotFound:
        raise
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("workbench-access-detail", pk=pk)
    messages.success(request, _("Approved; the officer has been told."))
    return redirect("workbench-access")
