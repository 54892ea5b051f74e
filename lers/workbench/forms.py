"""Staff-side forms: they parse input; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from lers.cases.categories import DATA_CATEGORIES
from lers.cases.models import Case, Message
from lers.cases.selectors import confirmed_subjects
from lers.cases.services import scope_proposal
from lers.core.i18n import document_type_choices, localised
from lers.core.policy import active_policy


class StaffMessageForm(forms.Form):
    body = forms.CharField(label=_("Message"), widget=forms.Textarea(attrs={"rows": 4}))
    visibility = forms.ChoiceField(
        label=_("Who reads it"),
        choices=Message.Visibility.choices,
        initial=Message.Visibility.INTERNAL,
        widget=forms.RadioSelect,
    )
    doc_type = forms.ChoiceField(label=_("Type of the attached file"), required=False)
    file = forms.FileField(label=_("Attach a file (optional)"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["doc_type"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = document_type_choices()
        if "other" in dict(field.choices):
            field.initial = "other"


MOMENT_FORMATS = ["%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d"]


class ScopeForm(forms.Form):
    """The approved scope (JU-09): offered as the request made it, to be narrowed."""

    subjects = forms.MultipleChoiceField(
        label=_("Accounts"), required=False, widget=forms.CheckboxSelectMultiple
    )
    categories = forms.MultipleChoiceField(
        label=_("Categories of records"), required=False, widget=forms.CheckboxSelectMultiple
    )
    # One format in every language (zh's default drops the seconds, and with them the
    # request's own bounds).
    period_start = forms.DateTimeField(
        label=_("Period from (UTC)"),
        required=False,
        input_formats=MOMENT_FORMATS,
        widget=forms.DateTimeInput(format=MOMENT_FORMATS[0]),
    )
    period_end = forms.DateTimeField(
        label=_("Period to (UTC)"),
        required=False,
        input_formats=MOMENT_FORMATS,
        widget=forms.DateTimeInput(format=MOMENT_FORMATS[0]),
    )
    actions = forms.MultipleChoiceField(
        label=_("Actions"), required=False, widget=forms.CheckboxSelectMultiple
    )
    note = forms.CharField(
        label=_("Reasons for the decision"), widget=forms.Textarea(attrs={"rows": 2})
    )
    without_accounts = forms.BooleanField(
        label=_("Approve although no account is confirmed (the actions will reach nobody)"),
        required=False,
    )

    def __init__(self, case: Case, *args: Any, **kwargs: Any) -> None:
        proposal = scope_proposal(case)
        kwargs.setdefault(
            "initial",
            {
                "subjects": proposal.subjects,
                "categories": proposal.categories,
                "period_start": proposal.period_start,
                "period_end": proposal.period_end,
                "actions": proposal.actions,
            },
        )
        super().__init__(*args, **kwargs)
        policy = active_policy()
        confirmed = confirmed_subjects(case)
        self._choices("subjects", [(uid, uid) for uid in confirmed])
        if confirmed:
            del self.fields["without_accounts"]  # asked only when there is nobody to reach
        requested = case.data_categories or list(DATA_CATEGORIES)
        self._choices(
            "categories", [(c, DATA_CATEGORIES[c]) for c in requested if c in DATA_CATEGORIES]
        )
        self._choices(
            "actions",
            [
                (code, localised(policy.request_types[code]))
                for code in case.request_types
                if code in policy.request_types
            ],
        )

    def _choices(self, name: str, choices: list[tuple[str, Any]]) -> None:
        field = self.fields[name]
        assert isinstance(field, forms.ChoiceField)
        field.choices = choices
