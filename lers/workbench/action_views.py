"""Staff pages acting at the exchange: freezes, preservation, notices, watched addresses.

Each view scopes through a selector, calls one service, and goes back to the case page with
the outcome or the refusal as a message.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lers.actions.selectors import freeze_get_for_staff, hold_get_for_staff, notice_get_for_staff
from lers.actions.services.freezes import (
    freeze_approve,
    freeze_refuse,
    freeze_release,
    freeze_request,
)
from lers.actions.services.holds import (
    hold_convert,
    hold_extend,
    hold_extend_on_request,
    hold_preserve,
)
from lers.actions.services.notices import (
    notice_allow,
    notice_send,
    notice_withhold,
    notices_decide,
)
from lers.actions.services.watchlist import address_tag
from lers.cases.selectors import case_get_for_staff
from lers.core.errors import DomainError
from lers.workbench.outcome import act


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value and value.strip() else None
    except ValueError:
        raise DomainError(_("give a whole number of days")) from None


def _act(request: HttpRequest, reference: str, run: Callable[[], Any], done: str) -> HttpResponse:
    return act(request, run, done, "workbench-case", reference=reference)


@login_required
@require_POST
def freeze_new(request: HttpRequest, reference: str) -> HttpResponse:
    case = case_get_for_staff(request.user, reference)
    post = request.POST
    return _act(
        request,
        reference,
        lambda: freeze_request(
            case=case,
            uid=post.get("uid", ""),
            scope=post.get("scope", ""),
            by=request.user,
            reason=post.get("reason", ""),
            assets=post.get("assets", "").replace(";", ",").split(","),
            days=_int(post.get("days")),
        ),
        _("Freeze requested: a second person must approve it."),
    )


@login_required
@require_POST
def freeze_decide(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    freeze = freeze_get_for_staff(request.user, reference, pk)
    if request.POST.get("decision") == "approve":
        return _act(
            request,
            reference,
            lambda: freeze_approve(
                freeze=freeze, by=request.user, days=_int(request.POST.get("days"))
            ),
            _("Freeze approved and sent to the exchange."),
        )
    return _act(
        request,
        reference,
        lambda: freeze_refuse(freeze=freeze, by=request.user, note=request.POST.get("note", "")),
        _("Freeze refused."),
    )


@login_required
@require_POST
def freeze_lift(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    freeze = freeze_get_for_staff(request.user, reference, pk)
    return _act(
        request,
        reference,
        lambda: freeze_release(
            freeze=freeze, by=request.user, reason=request.POST.get("reason", "")
        ),
        _("Release sent to the exchange."),
    )


@login_required
@require_POST
def preserve(request: HttpRequest, reference: str) -> HttpResponse:
    case = case_get_for_staff(request.user, reference)
    return _act(
        request,
        reference,
        lambda: hold_preserve(
            case=case, by=request.user, categories=request.POST.getlist("category")
        ),
        _("Records copied and preserved; the legal hold is sent to the exchange."),
    )


@login_required
@require_POST
def hold_change(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    hold = hold_get_for_staff(request.user, reference, pk)
    if request.POST.get("change") == "extend":
        return _act(
            request,
            reference,
            lambda: hold_extend(hold=hold, by=request.user),
            _("Preservation extended."),
        )
    return _act(
        request,
        reference,
        lambda: hold_convert(hold=hold, by=request.user, note=request.POST.get("note", "")),
        _("Preservation converted: the copy is kept for the production."),
    )


@login_required
@require_POST
def hold_extend_request(request: HttpRequest, reference: str) -> HttpResponse:
    """The approved extension request ``reference`` extends the hold it continues (BN-05)."""
    case = case_get_for_staff(request.user, reference)
    return _act(
        request,
        reference,
        lambda: hold_extend_on_request(request=case, by=request.user),
        _("Preservation extended as the agency's extension request asks."),
    )


@login_required
@require_POST
def notices_new(request: HttpRequest, reference: str) -> HttpResponse:
    case = case_get_for_staff(request.user, reference)
    return _act(
        request,
        reference,
        lambda: notices_decide(case=case, by=request.user),
        _("User notices decided from the policy and the case."),
    )


@login_required
@require_POST
def notice_deliver(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    notice = notice_get_for_staff(request.user, reference, pk)
    return _act(
        request,
        reference,
        lambda: notice_send(notice=notice, by=request.user),
        _("Notice sent to the exchange."),
    )


@login_required
@require_POST
def notice_let_go(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    notice = notice_get_for_staff(request.user, reference, pk)
    return _act(
        request,
        reference,
        lambda: notice_allow(notice=notice, by=request.user, note=request.POST.get("note", "")),
        _("The user will be told."),
    )


@login_required
@require_POST
def notice_hold_back(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    notice = notice_get_for_staff(request.user, reference, pk)
    return _act(
        request,
        reference,
        lambda: notice_withhold(
            notice=notice,
            by=request.user,
            ground=request.POST.get("ground", ""),
            note=request.POST.get("note", ""),
        ),
        _("Notice withheld."),
    )


@login_required
@require_POST
def tag_new(request: HttpRequest, reference: str) -> HttpResponse:
    case = case_get_for_staff(request.user, reference)
    return _act(
        request,
        reference,
        lambda: address_tag(
            case=case,
            address=request.POST.get("address", ""),
            chain=request.POST.get("chain", ""),
            by=request.user,
            reason=request.POST.get("reason", ""),
        ),
        _("Address added to the watchlist."),
    )
