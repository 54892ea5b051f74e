"""Officer-side forms: they parse and validate input; the services decide."""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from lers.agencies.models import Officer
from lers.agencies.served import REQUESTER_LABELS
from lers.cases.categories import category_choices
from lers.cases.models import Case, Entity, Service, Target
from lers.cases.selectors import colleagues_not_on
from lers.cases.services.followups import EXTENSION
from lers.core.i18n import Labelled, document_type_choices, localised
from lers.core.policy import active_policy
from lers.policy.completeness import Gap


class AccessRequestForm(forms.Form):
    email = forms.EmailField(label=_("Official email address"))
    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput, min_length=12)
    full_name = forms.CharField(label=_("Full name"), max_length=200)
    title = forms.CharField(label=_("Rank or title"), max_length=200)
    badge_number = forms.CharField(label=_("Badge or warrant number"), required=False)
    agency_name = forms.CharField(label=_("Agency (full name)"), max_length=300)
    country = forms.CharField(
        label=_("Country (two-letter code, e.g. GB, HK)"), min_length=2, max_length=2
    )
    office_phone = forms.CharField(label=_("Office landline"), max_length=40)
    mobile_phone = forms.CharField(label=_("Work mobile"), max_length=40, required=False)
    supervisor_name = forms.CharField(label=_("Supervisor's name"), max_length=200)
    supervisor_email = forms.EmailField(label=_("Supervisor's email"))
    requester_kind = forms.ChoiceField(
        label=_("You ask as"),
        choices=[(code, label) for code, label in REQUESTER_LABELS.items()],
        widget=forms.RadioSelect,
    )
    terms_acknowledged = forms.BooleanField(
        label=_("I have read the exchange's terms above"), required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["requester_kind"].initial = active_policy().served.requester_kinds[0]
        ask_terms(self)
        if not active_policy().officer_verification.supervisor_contact:
            # The profile does not ask for the supervisor: the officer may name one.
            for name in ("supervisor_name", "supervisor_email"):
                self.fields[name].required = False


def ask_terms(form: forms.Form) -> None:
    """The acknowledgement of the terms, where the profile asks for one (HX-15)."""
    terms = active_policy().terms
    if terms is None or not terms.acknowledge:
        del form.fields["terms_acknowledged"]


class TermsForm(forms.Form):
    """Submitting a request: the acknowledgement of the terms, where the profile asks (HX-15)."""

    terms_acknowledged = AccessRequestForm.base_fields["terms_acknowledged"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        ask_terms(self)


class CodeForm(forms.Form):
    code = forms.RegexField(label=_("Code from the email"), regex=r"^\s*\d{6}\s*$")


class ProofForm(forms.Form):
    doc_type = forms.ChoiceField(label=_("Document"))
    file = forms.FileField(label=_("File"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        policy = active_policy()
        field = self.fields["doc_type"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [
            (code, localised(policy.document_types[code]))
            for code in policy.officer_verification.proof_of_authority_any_of
        ]


# ---- The request form (the Information Collection Form, HX-05..09, JU-06..08, BN-03, BN-07) --

UTC_INPUT_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d"]


class UtcDateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%dT%H:%M")


def _policy_choices(items: Mapping[str, Labelled]) -> list[tuple[str, str]]:
    return [(code, localised(item)) for code, item in items.items()]


class RequestStartForm(forms.Form):
    """Step 1: what is asked, and how urgently."""

    request_types = forms.MultipleChoiceField(
        label=_("What do you request?"), widget=forms.CheckboxSelectMultiple
    )
    urgency = forms.ChoiceField(
        label=_("Urgency"), choices=Case.Urgency.choices, widget=forms.RadioSelect
    )
    urgency_circumstances = forms.CharField(
        label=_("Why is it urgent? (the circumstances: a life at risk, funds moving now...)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    title = forms.CharField(label=_("Short title"), max_length=300, required=False)
    agency_case_number = forms.CharField(
        label=_("Your case number"), max_length=100, required=False
    )

    def __init__(self, *args: Any, case: Case | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["request_types"]
        assert isinstance(field, forms.MultipleChoiceField)
        types = dict(active_policy().request_types)
        if case is None or case.parent_id is None:
            # An extension is drafted from the case page of what it extends, never from scratch.
            types.pop(EXTENSION, None)
        field.choices = _policy_choices(types)


class LegalForm(forms.Form):
    """Step 2: the legal instrument and the legal basis (BN-04, BN-07, HX-07)."""

    legal_instrument = forms.ChoiceField(label=_("Legal instrument"), required=False)
    legal_basis = forms.CharField(
        label=_("Legal basis (the law and the power you act under)"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )
    legal_clauses = forms.CharField(
        label=_("Clauses (articles and sections relied on)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )
    language = forms.CharField(
        label=_("Language of your documents (e.g. en, zh)"), max_length=10, initial="en"
    )
    matter_type = forms.ChoiceField(
        label=_("What is the request about?"),
        choices=Case.MatterType.choices,
        widget=forms.RadioSelect,
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        policy = active_policy()
        if policy.served.criminal_matters_only:
            self.fields["matter_type"].help_text = _(
                "%(exchange)s serves criminal investigations only."
            ) % {"exchange": policy.profile.name}
        else:  # the profile does not ask (HX-01, BN-01 serve criminal matters; JU-02 any)
            del self.fields["matter_type"]
        field = self.fields["legal_instrument"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [
            ("", _("Choose...")),
            *_policy_choices(
                {c: policy.document_types[c] for c in policy.legal.instruments_accepted}
            ),
        ]


class FactsForm(forms.Form):
    """Step 3: what happened, how much, and when (HX-06, JU-06)."""

    summary = forms.CharField(
        label=_("Summary of the facts, in the order they happened"),
        widget=forms.Textarea(attrs={"rows": 6}),
        required=False,
    )
    findings = forms.CharField(
        label=_("Investigative findings so far"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )
    amount_tokens = forms.CharField(
        label=_("Amount involved, in tokens (e.g. 12,500 USDT)"), max_length=500, required=False
    )
    amount_usd = forms.DecimalField(
        label=_("Approximate amount in USD"),
        max_digits=20,
        decimal_places=2,
        min_value=Decimal(0),
        required=False,
    )
    amount_breakdown = forms.CharField(
        label=_("Breakdown of the amount (per victim, per transfer...)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    timeframe_start = forms.DateTimeField(
        label=_("Period from (UTC)"),
        input_formats=UTC_INPUT_FORMATS,
        widget=UtcDateTimeInput(),
        required=False,
    )
    timeframe_end = forms.DateTimeField(
        label=_("Period to (UTC)"),
        input_formats=UTC_INPUT_FORMATS,
        widget=UtcDateTimeInput(),
        required=False,
    )


DISCLOSE_LABEL = _("The exchange may tell the user about this request")
SHARE_CONTACT_LABEL = _("The exchange may give the user your agency's contact details")


def consent_help() -> str:
    """What the officer is told of a freeze without consent to disclose (HX-11): that it is not
    kept for long, and how long only where the profile publishes its limit."""
    rules = active_policy().freeze
    if rules.without_consent_max_days is None:
        return ""
    if rules.without_consent_limit_published:
        return str(
            _("Without this consent, the exchange keeps a freeze for at most %(days)d days.")
            % {"days": rules.without_consent_max_days}
        )
    return str(_("Without this consent, the exchange may not keep a freeze for long."))


def ask_consent(form: forms.Form) -> None:
    """The consent questions the profile asks, and no other (HX-10, HX-12)."""
    rules = active_policy().freeze
    if rules.consent_to_disclose_asked:
        form.fields["consent_to_disclose"].help_text = consent_help()
    else:
        del form.fields["consent_to_disclose"]
    if not rules.share_agency_contact_requires_consent:
        del form.fields["consent_to_share_contact"]


class ScopeForm(forms.Form):
    """Step 4: what data, for how long, who may be told (JU-09, JU-11, JU-16, BN-08, HX-10)."""

    data_categories = forms.MultipleChoiceField(
        label=_("Data you need"),
        choices=category_choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    duration_days = forms.IntegerField(
        label=_("Freeze or preservation duration (days)"), min_value=1, required=False
    )
    # Asked where the request types include a freeze (a type whose effect is "freeze").
    freeze_assets = forms.CharField(
        label=_("Assets to freeze (their symbols, e.g. USDT, ETH)"),
        help_text=_("Leave it empty to ask for the whole account to be frozen."),
        max_length=500,
        required=False,
    )
    freeze_amount = forms.CharField(
        label=_("Amount to freeze (e.g. 12,500 USDT and 3.2 ETH, or: the whole balance)"),
        max_length=500,
        required=False,
    )
    non_disclosure_until = forms.DateField(
        label=_("Non-disclosure order: the user must not be told until (date)"),
        widget=forms.DateInput(attrs={"type": "date"}),
        required=False,
    )
    consent_to_disclose = forms.BooleanField(label=DISCLOSE_LABEL, required=False)
    consent_to_share_contact = forms.BooleanField(label=SHARE_CONTACT_LABEL, required=False)
    services = forms.MultipleChoiceField(
        label=_("Services concerned"), widget=forms.CheckboxSelectMultiple, required=False
    )
    callback_slots = forms.CharField(
        label=_("When can we call you back to verify? (days and hours, your time zone)"),
        max_length=500,
        required=False,
    )

    def __init__(self, *args: Any, case: Case | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        ask_consent(self)
        if case is None or not asks_freeze(case.request_types):
            del self.fields["freeze_assets"]
            del self.fields["freeze_amount"]
        field = self.fields["services"]
        assert isinstance(field, forms.MultipleChoiceField)
        several = Entity.objects.filter(active=True).count() > 1
        field.choices = [
            (str(s.pk), f"{s.name} ({s.entity.name})" if several else s.name)
            for s in Service.objects.filter(entity__active=True).select_related("entity")
        ]
        if not field.choices:  # a deployment that lists no services asks nothing about them
            del self.fields["services"]

    def clean_services(self) -> list[int]:
        return [int(pk) for pk in self.cleaned_data.get("services", [])]

    def clean_freeze_assets(self) -> list[str]:
        return [a for a in re.split(r"[\s,;，、；/]+", self.cleaned_data["freeze_assets"]) if a]


def asks_freeze(request_types: list[str]) -> bool:
    """Whether the request asks for a freeze: one of its types has the effect "freeze"."""
    types = active_policy().request_types
    return any(types[t].effect == "freeze" for t in request_types if t in types)


# The steps of the form that edit the draft's fields, in order, with what they show.
STEPS: dict[str, tuple[type[forms.Form], Any]] = {
    "request": (RequestStartForm, _("Request")),
    "legal": (LegalForm, _("Legal basis")),
    "facts": (FactsForm, _("Facts")),
    "scope": (ScopeForm, _("Scope")),
}


# The form's pages, in order: the field steps, then targets, documents and the review.
PAGES = [*STEPS, "targets", "documents", "review"]
PAGE_LABELS = {
    **{name: label for name, (_form, label) in STEPS.items()},
    "targets": _("Targets"),
    "documents": _("Documents"),
    "review": _("Review and submit"),
}
# The checklist's facts (``lers.cases.services.checklist.case_facts``) under their form names,
# where these differ; the targets and the fund flow (a sheet, or addresses and TXIDs) are
# given on the targets page. Any other fact is a form field of its own name, or is not on the
# form at all (the officer's contacts come from their account).
_FACT_FIELDS = {
    "case_number": "agency_case_number",
    "amount": "amount_tokens",
    "timeframe": "timeframe_start",
    "duration": "duration_days",
}
_FACT_PAGES = {"targets": "targets", "fund_flow": "targets"}


def gap_steps(gap: Gap) -> list[tuple[str, str]]:
    """The pages of the form (name, label) where what a checklist item lacks is filled in."""
    pages = set()
    for fact in gap.fields_missing:
        name = _FACT_FIELDS.get(fact, fact)
        page = _FACT_PAGES.get(fact) or next(
            (step for step, (form, _label) in STEPS.items() if name in form.base_fields), None
        )
        if page is not None:
            pages.add(page)
    if gap.documents_have < gap.documents_need:
        pages.add("documents")
    return [(page, str(PAGE_LABELS[page])) for page in PAGES if page in pages]


def step_form(page: str, case: Case, data: Any = None) -> forms.Form:
    """The form of a step, bound to ``data`` when given, showing the draft's saved values."""
    form_class = STEPS[page][0]
    extra = {"case": case} if form_class in (RequestStartForm, ScopeForm) else {}
    return form_class(data, initial=step_initial(case, form_class), **extra)


def step_initial(case: Case, form_class: type[forms.Form]) -> dict[str, Any]:
    """The draft's saved values for a step's fields."""
    initial: dict[str, Any] = {}
    for name in form_class.base_fields:
        if name == "services":
            initial[name] = [str(pk) for pk in case.services.values_list("pk", flat=True)]
        elif name == "freeze_assets":
            initial[name] = ", ".join(case.freeze_assets)
        else:
            initial[name] = getattr(case, name)
    return initial


class TargetForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Target.Kind.choices)
    value = forms.CharField(label=_("Identifier"), max_length=500)
    chain = forms.CharField(
        label=_("Chain (for an address or TXID, e.g. BTC, ETH, TRX)"), max_length=40, required=False
    )
    memo = forms.CharField(label=_("Memo or tag"), max_length=200, required=False)
    note = forms.CharField(label=_("Note"), max_length=500, required=False)


class PasteForm(forms.Form):
    text = forms.CharField(
        label=_("Paste text: a report, a list of addresses, an email..."),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=200_000,
    )


class SheetForm(forms.Form):
    file = forms.FileField(label=_("Fund-flow spreadsheet (CSV or XLSX) or document"))


class DocumentForm(forms.Form):
    doc_type = forms.ChoiceField(label=_("Type of document"))
    file = forms.FileField(label=_("File"))
    # Asked where the profile counts officers' IDs by officer (JU-07); the service requires it
    # for such a document.
    officer_name = forms.CharField(
        label=_("Whose ID is it? (the officer's full name, for an officer's ID)"),
        max_length=200,
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        policy = active_policy()
        field = self.fields["doc_type"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = _policy_choices(policy.document_types)
        if not policy.officer_id_documents():
            del self.fields["officer_name"]


class OfficerChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.user.get_full_name() or obj.user.username} <{obj.user.email}>"


class ColleagueForm(forms.Form):
    officer = OfficerChoiceField(label=_("Colleague"), queryset=Officer.objects.none())

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["officer"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = colleagues_not_on(case)


class MessageForm(forms.Form):
    """A message to the exchange, or an answer to its question; files optional."""

    body = forms.CharField(label=_("Message"), widget=forms.Textarea(attrs={"rows": 4}))
    doc_type = forms.ChoiceField(label=_("Type of the attached file"), required=False)
    file = forms.FileField(label=_("Attach a file (optional)"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["doc_type"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = document_type_choices()
        if "other" in dict(field.choices):
            field.initial = "other"


class ConsentForm(forms.Form):
    """The agency's consent after the request was sent (a box left empty withdraws it)."""

    consent_to_disclose = forms.BooleanField(label=DISCLOSE_LABEL, required=False)
    consent_to_share_contact = forms.BooleanField(label=SHARE_CONTACT_LABEL, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        ask_consent(self)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))


class WithdrawForm(ReasonForm):
    """Withdrawing a request: the officer confirms, on the server, that it cannot be undone."""

    confirm = forms.BooleanField(
        label=_("I understand this cannot be undone"),
        error_messages={"required": _("Tick the box to confirm: a withdrawal cannot be undone.")},
    )
