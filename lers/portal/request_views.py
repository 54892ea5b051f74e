"""The request form (Information Collection Form) as steps over a draft.

Every step saves into the draft, so nothing typed is lost between steps, on a refused save
(the page comes back with what was typed and the reason), or on a refused submission. The
checklist beside every step comes from the policy; it follows the form as the officer types.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lers.cases.models import Case, Target
from lers.cases.review_time import review_expectation
from lers.cases.selectors import (
    document_get_for_officer,
    draft_get_for_officer,
    target_get_for_officer,
)
from lers.cases.services import (
    Confirmed,
    case_checklist,
    case_checklist_preview,
    case_create,
    case_submit,
    case_update_draft,
    document_add,
    document_remove,
    fund_flow_sheet_add,
    target_add,
    target_candidates,
    target_remove,
    targets_confirm,
)
from lers.core.errors import DomainError, TermsNotAcknowledged
from lers.core.i18n import wants_chinese
from lers.core.policy import active_policy
from lers.core.terms import terms_shown
from lers.portal.forms import (
    PAGE_LABELS,
    PAGES,
    STEPS,
    ColleagueForm,
    DocumentForm,
    PasteForm,
    RequestStartForm,
    SheetForm,
    TargetForm,
    TermsForm,
    step_form,
)


def _draft(request: HttpRequest, reference: str) -> Case:
    # A sent request is read on its case page; a colleague's draft is theirs to write.
    return draft_get_for_officer(request.user, reference)


def _next_page(page: str) -> str:
    return PAGES[min(PAGES.index(page) + 1, len(PAGES) - 1)]


def _page_url(case: Case, page: str) -> str:
    return reverse("portal-request-step", args=[case.reference, page])


def _context(case: Case, page: str, **extra: Any) -> dict[str, Any]:
    return {
        "case": case,
        "page": page,
        "pages": [(name, str(PAGE_LABELS[name])) for name in PAGES],
        "checklist": case_checklist(case),
        "chinese": wants_chinese(),
        **extra,
    }


def _fail(form: forms.Form, exc: DomainError, field: str | None = None) -> int:
    """Puts the service's reason on the form, beside the field it names when the form has
    that field (the top of the form keeps the rest); the page keeps what was typed."""
    named = exc.details.get("field")
    if field is None and isinstance(named, str) and named in form.fields:
        field = named
    form.add_error(field, exc.message)
    return exc.http_status if exc.http_status != 409 else 400


@login_required
def request_new(request: HttpRequest) -> HttpResponse:
    form = RequestStartForm(request.POST or None, initial={"urgency": Case.Urgency.STANDARD})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = dict(form.cleaned_data)
            try:
                case = case_create(
                    officer_user=request.user,
                    request_types=data.pop("request_types"),
                    urgency=data.pop("urgency"),
                    title=data.pop("title"),
                    details=data,
                )
            except DomainError as exc:
                status = _fail(form, exc)
            else:
                messages.success(
                    request,
                    _("Draft %(ref)s saved. Go on with the legal basis.") % {"ref": case.reference},
                )
                return redirect(_page_url(case, "legal"))
        else:
            status = 400
    return render(
        request,
        "portal/request_new.html",
        {
            "form": form,
            "policy": active_policy(),
            "chinese": wants_chinese(),
            # The exchange's published mailbox and its subject grammar (JU-03).
            "email_intake": {
                "address": active_policy().intake.email_address,
                "example": active_policy().email_subject.example,
            }
            if "email" in active_policy().intake.channels and active_policy().intake.email_address
            else None,
            # The guideline's advice to the officer, in their language (JU-22).
            "guideline_advice": [a.in_language(get_language())[1] for a in active_policy().advice],
        },
        status=status,
    )


@login_required
def request_step(request: HttpRequest, reference: str, page: str) -> HttpResponse:
    if page not in PAGES:
        raise Http404("no such step")
    case = _draft(request, reference)
    if page == "targets":
        return _targets_page(request, case)
    if page == "documents":
        return _documents_page(request, case)
    if page == "review":
        return _review_page(request, case)
    form = step_form(page, case, request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                case_update_draft(case=case, by=request.user, changes=dict(form.cleaned_data))
            except DomainError as exc:
                status = _fail(form, exc)
            else:
                messages.success(request, _("Saved."))
                target = page if "stay" in request.POST else _next_page(page)
                return redirect(_page_url(case, target))
        else:
            status = 400
    return render(
        request, "portal/request_step.html", _context(case, page, form=form), status=status
    )


@login_required
@require_POST
def request_checklist(request: HttpRequest, reference: str, page: str) -> HttpResponse:
    """The checklist with the step's unsaved input: a fragment the page swaps in as one types."""
    case = _draft(request, reference)
    changes: dict[str, Any] = {}
    if page in STEPS:
        form = step_form(page, case, request.POST)
        form.is_valid()  # what parses counts; the rest stays as saved
        changes = dict(form.cleaned_data)
    return render(
        request,
        "portal/_checklist.html",
        {
            "case": case,
            "checklist": case_checklist_preview(case, changes),
            "chinese": wants_chinese(),
        },
    )


# ---- targets ---------------------------------------------------------------------------


def _targets_page(
    request: HttpRequest,
    case: Case,
    *,
    typed: TargetForm | None = None,
    paste: PasteForm | None = None,
    sheet: SheetForm | None = None,
    status: int = 200,
) -> HttpResponse:
    if request.method == "POST" and typed is None:
        typed = TargetForm(request.POST)
        if typed.is_valid():
            try:
                target = target_add(case=case, by=request.user, **typed.cleaned_data)
            except DomainError as exc:
                status = _fail(typed, exc)
            else:
                if target.valid is False:
                    messages.warning(request, _not_valid(target))
                else:
                    messages.success(request, _("Target added."))
                return redirect(_page_url(case, "targets"))
        else:
            status = 400
    return render(
        request,
        "portal/request_targets.html",
        _context(
            case,
            "targets",
            targets=case.targets.order_by("pk"),
            typed=typed or TargetForm(),
            paste=paste or PasteForm(),
            sheet=sheet or SheetForm(),
        ),
        status=status,
    )


@login_required
@require_POST
def targets_find(request: HttpRequest, reference: str) -> HttpResponse:
    """Finds identifiers in pasted text or in a fund-flow sheet and lists them to confirm."""
    case = _draft(request, reference)
    if "file" in request.FILES:
        sheet = SheetForm(request.POST, request.FILES)
        if not sheet.is_valid():
            return _targets_page(request, case, sheet=sheet, status=400, typed=TargetForm())
        upload = sheet.cleaned_data["file"]
        try:
            document, candidates = fund_flow_sheet_add(
                case=case, by=request.user, name=upload.name, content=upload
            )
        except DomainError as exc:
            status = _fail(sheet, exc, "file")
            return _targets_page(request, case, sheet=sheet, status=status, typed=TargetForm())
        source = document.original_name
        paste = PasteForm()
    else:
        paste = PasteForm(request.POST)
        if not paste.is_valid():
            return _targets_page(request, case, paste=paste, status=400, typed=TargetForm())
        candidates = target_candidates(case=case, text=paste.cleaned_data["text"])
        source = ""
    return render(
        request,
        "portal/request_candidates.html",
        _context(case, "targets", candidates=candidates, source=source, paste=paste),
    )


@login_required
@require_POST
def targets_confirm_view(request: HttpRequest, reference: str) -> HttpResponse:
    case = _draft(request, reference)
    items = []
    for index in request.POST.getlist("pick"):
        kind = request.POST.get(f"kind-{index}", "")
        value = request.POST.get(f"value-{index}", "")
        if kind and value:
            items.append(
                Confirmed(
                    kind=kind,
                    value=value,
                    chain=request.POST.get(f"chain-{index}", ""),
                    memo=request.POST.get(f"memo-{index}", ""),
                )
            )
    try:
        added = targets_confirm(case=case, by=request.user, items=items)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("%(n)d target(s) added.") % {"n": len(added)})
        for target in added:
            if target.valid is False:
                messages.warning(request, _not_valid(target))
    return redirect(_page_url(case, "targets"))


def _not_valid(target: Target) -> str:
    """What the officer is told of a target that failed its check: it is kept (officers
    mistype, and the exchange may still search it), marked on its row, and said to be wrong."""
    values = {"value": target.value, "chain": target.chain}
    if target.kind == Target.Kind.ADDRESS and target.chain:
        text = _("Target added with a warning: %(value)s is not a valid %(chain)s address")
    elif target.kind == Target.Kind.ADDRESS:
        text = _("Target added with a warning: %(value)s is not a valid address of any chain")
    elif target.kind == Target.Kind.TXID and target.chain:
        text = _("Target added with a warning: %(value)s is not a valid %(chain)s transaction ID")
    else:
        text = _("Target added with a warning: %(value)s is not a valid %(kind)s identifier")
        values["kind"] = str(target.get_kind_display())
    reason = f" ({target.check_reason})" if target.check_reason else ""
    return f"{text % values}{reason}. " + _("Check it, and remove it if it was mistyped.")


@login_required
@require_POST
def target_remove_view(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    target = target_get_for_officer(request.user, reference, pk)
    target_remove(target=target, by=request.user)
    return redirect(_page_url(target.case, "targets"))


# ---- documents -------------------------------------------------------------------------


def _documents_page(request: HttpRequest, case: Case) -> HttpResponse:
    form = DocumentForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                document_add(
                    case=case,
                    by=request.user,
                    doc_type=form.cleaned_data["doc_type"],
                    name=upload.name,
                    content=upload,
                    content_type=upload.content_type or "",
                    officer_name=form.cleaned_data.get("officer_name", ""),
                )
            except DomainError as exc:
                status = _fail(form, exc, "file")
            else:
                messages.success(request, _("%(name)s attached.") % {"name": upload.name})
                return redirect(_page_url(case, "documents"))
        else:
            status = 400
    policy = active_policy()
    return render(
        request,
        "portal/request_documents.html",
        _context(
            case,
            "documents",
            form=form,
            documents=case.documents.order_by("pk"),
            doc_labels={code: t for code, t in policy.document_types.items()},
            max_mb=settings.LERS_MAX_UPLOAD_BYTES // 2**20,
            preferred_format=policy.formats.preferred_document_format,
            seal=policy.formats.seal_or_signature,
            officer_ids=policy.officer_id_documents(),
            min_officers=policy.officer_verification.min_officer_ids,
        ),
        status=status,
    )


@login_required
@require_POST
def document_remove_view(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    document = document_get_for_officer(request.user, reference, pk)
    document_remove(document=document, by=request.user)
    return redirect(_page_url(document.case, "documents"))


# ---- review and submit -----------------------------------------------------------------


def _review_page(request: HttpRequest, case: Case) -> HttpResponse:
    error = ""
    status = 200
    blocking = [gap for gap in case_checklist(case) if gap.blocking]
    accepts_incomplete = active_policy().intake.incomplete_submission != "refused"
    terms_form = TermsForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        terms_form.is_valid()
        try:
            case = case_submit(
                case=case,
                by=request.user,
                accept_incomplete=bool(request.POST.get("confirm_incomplete")),
                terms_acknowledged=bool(terms_form.cleaned_data.get("terms_acknowledged")),
            )
        except TermsNotAcknowledged as exc:
            terms_form.add_error("terms_acknowledged", exc.message)
            error, status = exc.message, exc.http_status
        except DomainError as exc:
            error, status = exc.message, exc.http_status
        else:
            submitted = _("Request %(ref)s submitted.") % {"ref": case.reference}
            messages.success(request, f"{submitted} {review_expectation(case)}".strip())
            return redirect("portal-case", reference=case.reference)
    return render(
        request,
        "portal/request_review.html",
        _context(
            case,
            "review",
            error=error,
            blocking=blocking,
            accepts_incomplete=accepts_incomplete,
            colleague_form=ColleagueForm(case=case),
            targets=case.targets.order_by("pk"),
            documents=case.documents.order_by("pk"),
            policy=active_policy(),
            terms_form=terms_form,
            terms=terms_shown(),
        ),
        status=status,
    )
