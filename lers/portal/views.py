"""Officer pages for following a request. Every case comes through the officer-scoped
selectors: another agency's case, or one the officer is not on, is a 404."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import BooleanField, ExpressionWrapper, Q
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lers.actions.selectors import holds_of_case
from lers.actions.services.consent import case_consent_set, consent_change_allowed
from lers.agencies.selectors import access_request_of
from lers.cases.lifecycle import OPEN, State
from lers.cases.models import Case
from lers.cases.selectors import (
    OFFICER_ACTS,
    case_get_for_officer,
    case_page_lists,
    document_get_for_officer,
    fee_notice_get_for_officer,
    follow_ups_for_officer,
    officer_case_list,
    officer_is_on_case,
)
from lers.cases.services import (
    Attachment,
    case_add_officer,
    case_answer,
    case_request_extension,
    case_withdraw,
    document_open,
    extension_allowed,
    fee_notice_answer,
    message_post,
)
from lers.cases.timeline import officer_milestones
from lers.core.case_page import case_context
from lers.core.downloads import attachment_response
from lers.core.errors import DomainError
from lers.core.policy import active_policy
from lers.portal.forms import ColleagueForm, ConsentForm, MessageForm, ReasonForm, WithdrawForm
from lers.productions.selectors import (
    cases_with_a_download_waiting,
    production_get_for_officer,
    productions_released,
)
from lers.productions.services import production_download as production_fetch

CASE_LIST_PAGE = 200


@login_required
def cases(request: HttpRequest) -> HttpResponse:
    if not hasattr(request.user, "officer") and access_request_of(request.user) is not None:
        return redirect("portal-access-status")
    search = request.GET.get("q", "")[:200].strip()
    state = request.GET.get("state", "")
    state = state if state in State.values else ""
    mine = officer_case_list(
        request.user,
        search=search,
        state=state,
        published_review=active_policy().sla.review_target_published,
    )
    # What the agency has to do next: finish a draft, answer, accept a fee, download.
    acts = (
        Q(state__in=OFFICER_ACTS) | Q(fee_waiting=True) | Q(pk__in=cases_with_a_download_waiting())
    )
    mine = mine.annotate(needs_action=ExpressionWrapper(acts, output_field=BooleanField()))
    if request.GET.get("needs") == "action":
        mine = mine.filter(acts)
    found = list(mine[:CASE_LIST_PAGE])
    return render(
        request,
        "portal/cases.html",
        {
            "cases": found,
            "search": search,
            "state": state,
            "states": [(s.value, s.label) for s in State],
            "needs": request.GET.get("needs") == "action",
            "truncated": len(found) == CASE_LIST_PAGE,
        },
    )


def _page(
    request: HttpRequest, case: Case, *, status: int = 200, error: str = "", **forms: Any
) -> HttpResponse:
    context = case_context(case_page_lists(case), request.user, staff=False)
    # An agency admin reads every case of the agency but acts only on those they are on.
    on_case = officer_is_on_case(request.user, case)
    moves = {move["name"] for move in context["moves"]} if on_case else set()
    context.update(
        {
            "error": error,
            "message_form": forms.get("message_form") or MessageForm(),
            "answer_form": forms.get("answer_form") or MessageForm(),
            "withdraw_form": forms.get("withdraw_form") or WithdrawForm(),
            "extension_form": forms.get("extension_form") or ReasonForm(),
            "colleague_form": forms.get("colleague_form") or ColleagueForm(case=case),
            "consent_form": forms.get("consent_form") or _consent_form(case),
            "can_consent": on_case and consent_change_allowed(case),
            "on_case": on_case,
            "can_answer": "answer" in moves,
            "can_write": on_case and case.state in OPEN and case.state != State.DRAFT,
            "can_withdraw": "withdraw" in moves,
            "can_add_colleagues": on_case and case.state in OPEN,
            "can_extend": on_case and extension_allowed(case),
            "follow_ups": follow_ups_for_officer(request.user, case),
            "question": case.messages.filter(is_question=True).order_by("pk").last(),
            "fee_notices": case.fee_notices.all(),
            "productions": productions_released(case),
            "holds": holds_of_case(case),
            "milestones": officer_milestones(case) if case.state != State.DRAFT else [],
        }
    )
    return render(request, "portal/case.html", context, status=status)


def _consent_form(case: Case) -> ConsentForm:
    return ConsentForm(
        initial={
            "consent_to_disclose": case.consent_to_disclose,
            "consent_to_share_contact": case.consent_to_share_contact,
        }
    )


@login_required
def case_detail(request: HttpRequest, reference: str) -> HttpResponse:
    return _page(request, case_get_for_officer(request.user, reference))


@login_required
def document_download(request: HttpRequest, reference: str, pk: int) -> FileResponse:
    document = document_open(
        document=document_get_for_officer(request.user, reference, pk), by=request.user
    )
    return attachment_response(
        document.file, filename=document.original_name, content_type=document.content_type
    )


def _attachments(form: MessageForm) -> list[Attachment]:
    upload = form.cleaned_data.get("file")
    if upload is None:
        return []
    return [Attachment(doc_type=form.cleaned_data["doc_type"], name=upload.name, content=upload)]


def _failed(request: HttpRequest, case: Case, exc: DomainError, **forms: Any) -> HttpResponse:
    """The page again with the reason on top (the form may be hidden by the case's new state)
    and everything typed still in its form."""
    for form in forms.values():
        form.add_error(None, exc.message)
    return _page(request, case, status=exc.http_status, error=exc.message, **forms)


@login_required
@require_POST
def message_send(request: HttpRequest, reference: str) -> HttpResponse:
    case = case_get_for_officer(request.user, reference)
    form = MessageForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            message_post(
                case=case,
                by=request.user,
                body=form.cleaned_data["body"],
                attachments=_attachments(form),
            )
        except DomainError as exc:
            return _failed(request, case, exc, message_form=form)
        messages.success(request, _("Message sent to the exchange."))
        return redirect("portal-case", reference=case.reference)
    return _page(request, case, message_form=form, status=400)


@login_required
@require_POST
def answer(request: HttpRequest, reference: str) -> HttpResponse:
    case = case_get_for_officer(request.user, reference)
    form = MessageForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            case_answer(
                case=case,
                by=request.user,
                answer=form.cleaned_data["body"],
                attachments=_attachments(form),
            )
        except DomainError as exc:
            return _failed(request, case, exc, answer_form=form)
        messages.success(request, _("Answer sent. The review clock runs again."))
        return redirect("portal-case", reference=case.reference)
    return _page(request, case, answer_form=form, status=400)


@login_required
@require_POST
def withdraw(request: HttpRequest, reference: str) -> HttpResponse:
    case = case_get_for_officer(request.user, reference)
    form = WithdrawForm(request.POST)
    if form.is_valid():
        try:
            case_withdraw(case=case, by=request.user, reason=form.cleaned_data["reason"])
        except DomainError as exc:
            return _failed(request, case, exc, withdraw_form=form)
        messages.success(request, _("Request withdrawn."))
        return redirect("portal-case", reference=case.reference)
    return _page(request, case, withdraw_form=form, status=400)


@login_required
@require_POST
def extension(request: HttpRequest, reference: str) -> HttpResponse:
    case = case_get_for_officer(request.user, reference)
    form = ReasonForm(request.POST)
    if form.is_valid():
        try:
            draft = case_request_extension(
                case=case, by=request.user, reason=form.cleaned_data["reason"]
            )
        except DomainError as exc:
            return _failed(request, case, exc, extension_form=form)
        messages.success(
            request,
            _(
                "Extension request %(ref)s drafted from %(parent)s. Attach the legal document "
                "and submit it."
            )
            % {"ref": draft.reference, "parent": case.reference},
        )
        return redirect("portal-request-step", reference=draft.reference, page="documents")
    return _page(request, case, extension_form=form, status=400)


@login_required
@require_POST
def consent(request: HttpRequest, reference: str) -> HttpResponse:
    """The agency gives or withdraws its consent to tell the user (HX-10, HX-12)."""
    case = case_get_for_officer(request.user, reference)
    form = ConsentForm(request.POST)
    if not form.is_valid():
        return _page(request, case, consent_form=form, status=400)
    try:
        case_consent_set(
            case=case,
            by=request.user,
            disclose=form.cleaned_data.get("consent_to_disclose"),
            share_contact=form.cleaned_data.get("consent_to_share_contact"),
        )
    except DomainError as exc:
        return _failed(request, case, exc, consent_form=form)
    messages.success(request, _("Your answer about telling the user is recorded."))
    return redirect("portal-case", reference=case.reference)


@login_required
@require_POST
def colleague_add(request: HttpRequest, reference: str) -> HttpResponse:
    case = case_get_for_officer(request.user, reference)
    form = ColleagueForm(request.POST, case=case)
    if not form.is_valid():
        return _page(request, case, colleague_form=form, status=400)
    try:
        case_add_officer(case=case, by=request.user, colleague=form.cleaned_data["officer"])
    except DomainError as exc:
        return _failed(request, case, exc, colleague_form=form)
    messages.success(request, _("Colleague added to the request."))
    if case.state == State.DRAFT:
        return redirect("portal-request-step", reference=case.reference, page="review")
    return redirect("portal-case", reference=case.reference)


@login_required
@require_POST
def fee_answer(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    """The agency accepts or refuses a fee notice (JU-19)."""
    notice = fee_notice_get_for_officer(request.user, reference, pk)
    accept = request.POST.get("decision") == "accept"
    try:
        fee_notice_answer(notice=notice, by=request.user, accept=accept)
    except DomainError as exc:
        return _failed(request, notice.case, exc)
    messages.success(request, _("Fee accepted.") if accept else _("Fee refused."))
    return redirect("portal-case", reference=reference)


@login_required
def production_download(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    """The encrypted archive, within the window; every download is on the record (X-08)."""
    production = production_get_for_officer(request.user, reference, pk)
    try:
        archive = production_fetch(production=production, by=request.user)
    except DomainError as exc:
        return _failed(request, production.case, exc)
    return attachment_response(
        archive,
        filename=production.download_name(),
        content_type=production.archive_content_type,
    )
