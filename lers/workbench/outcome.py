"""How a staff page reports a service's outcome: run it, show the refusal or the success as a
message, go back to the page."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from lers.core.errors import DomainError


def act(
    request: HttpRequest, run: Callable[[], Any], done: str, to: str, **kwargs: Any
) -> HttpResponse:
    try:
        run()
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        if done:
            messages.success(request, done)
    return redirect(to, **kwargs)
