"""Officer-side forms: they parse and validate input; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from lers.core.policy import active_policy


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
            (code, policy.document_types[code].label)
            for code in policy.officer_verification.proof_of_authority_any_of
        ]
