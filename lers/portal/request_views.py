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
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from lers.cases.models import Case
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
from lers.core.errors import DomainError
from lers.core.i18n import wants_chinese
from lers.core.policy import active_policy
from lers.portal.forms import (
    STEPS,
    ColleagueForm,
    DocumentForm,
    PasteForm,
    RequestStartForm,
    SheetForm,
    TargetForm,
    step_form,
)

# The form's pages, in order: the field steps, then targets, documents and the review.
PAGES = [*STEPS, "targets", "documents", "review"]
PAGE_LABELS = {
    **{name: label for name, (_form, label) in STEPS.items()},
    "targets": gettext_lazy("Targets"),
    "documents": gettext_lazy("Documents"),
    "review": gettext_lazy("Review and submit"),
}


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
    """Puts the service's reason on the form; the page keeps what was typed."""
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
        {"form": form, "policy": active_policy(), "chinese": wants_chinese()},
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
        {"checklist": case_checklist_preview(case, changes), "chinese": wants_chinese()},
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
                target_add(case=case, by=request.user, **typed.cleaned_data)
            except DomainError as exc:
                status = _fail(typed, exc)
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
    return redirect(_page_url(case, "targets"))


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
    if request.method == "POST":
        try:
            case = case_submit(
                case=case,
                by=request.user,
                accept_incomplete=bool(request.POST.get("confirm_incomplete")),
            )
        except DomainError as exc:
            error, status = exc.message, exc.http_status
        else:
            messages.success(request, _("Request %(ref)s submitted.") % {"ref": case.reference})
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
            policy=active_policy(),
        ),
        status=status,
    )
