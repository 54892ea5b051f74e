"""The agency administrator's page for the agency's production key (X-08)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lers.agencies.selectors import administered_agency
from lers.agencies.services.keys import agency_key_set
from lers.core.errors import DomainError


class KeyForm(forms.Form):
    key = forms.CharField(
        label=gettext_lazy("The agency's age public key"),
        required=False,
        max_length=200,
        help_text=gettext_lazy("age1… — leave empty to go back to passphrases sent by email."),
        widget=forms.TextInput(attrs={"size": 70, "spellcheck": "false", "autocomplete": "off"}),
    )


@login_required
def agency_key(request: HttpRequest) -> HttpResponse:
    agency = administered_agency(request.user)
    if agency is None:
        raise Http404("no such page")
    form = KeyForm(request.POST or None, initial={"key": agency.age_recipient})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                agency_key_set(agency=agency, by=request.user, key=form.cleaned_data["key"])
            except DomainError as exc:
                form.add_error("key", exc.message)
                status = 400
            else:
                messages.success(request, _("The agency's key is saved."))
                return redirect("portal-agency-key")
        else:
            status = 400
    return render(
        request, "portal/agency_key.html", {"form": form, "agency": agency}, status=status
    )
