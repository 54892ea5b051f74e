"""The API tokens page (X-11): each person, officer or staff, makes and revokes their own."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.validators import MaxValueValidator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from lers.accounts.models import User
from lers.accounts.tokens import (
    SCOPE_LABELS,
    scopes_for,
    token_create,
    token_get_of,
    token_revoke,
    tokens_of,
)
from lers.core.errors import DomainError


class TokenForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Name"),
        max_length=100,
        help_text=gettext_lazy("What will use it, e.g. “case system, production server”."),
    )
    scopes = forms.MultipleChoiceField(
        label=gettext_lazy("It may"), widget=forms.CheckboxSelectMultiple
    )
    days = forms.IntegerField(label=gettext_lazy("Valid for (days)"), min_value=1)
    code = forms.CharField(
        label=gettext_lazy("Code from your authenticator app"),
        max_length=12,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    def __init__(self, *args: object, user: User, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["scopes"].choices = [(s, SCOPE_LABELS[s]) for s in scopes_for(user)]
        longest = settings.LERS_API_TOKEN_MAX_DAYS
        self.fields["days"].initial = longest
        self.fields["days"].validators.append(MaxValueValidator(longest))
        self.fields["days"].widget.attrs["max"] = longest


def _page(
    request: HttpRequest, form: TokenForm, *, secret: str = "", status: int = 200
) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    return render(
        request,
        "account/tokens.html",
        {
            "form": form,
            "tokens": [
                (token, [(s, SCOPE_LABELS.get(s, s)) for s in token.scopes])
                for token in tokens_of(user)
            ],
            "secret": secret,
            "can_have": bool(scopes_for(user)),
        },
        status=status,
    )


@never_cache  # the page that shows a new token once is never kept by a cache
@login_required
def tokens(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    if request.method != "POST":
        return _page(request, TokenForm(user=user))
    form = TokenForm(request.POST, user=user)
    if not form.is_valid():
        return _page(request, form, status=400)
    data = form.cleaned_data
    try:
        made = token_create(
            user=user,
            name=data["name"],
            scopes=data["scopes"],
            code=data["code"],
            days=data["days"],
        )
    except DomainError as exc:
        form.add_error(None, exc.message)
        return _page(request, form, status=exc.http_status)
    messages.success(request, _("Token made. Copy it now: it is not shown again."))
    return _page(request, TokenForm(user=user), secret=made.secret)


@login_required
@require_POST
def token_revoke_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    token = token_revoke(token=token_get_of(user, pk), by=user)
    messages.success(request, _("Token %(name)s revoked.") % {"name": token.name})
    return redirect("account-tokens")
