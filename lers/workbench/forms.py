"""Staff-side forms: they parse input; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from lers.cases.models import Message
from lers.core.i18n import document_type_choices


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
