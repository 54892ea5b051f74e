"""What a person reads off a page, for tests that drive the pages with Django's client."""

from __future__ import annotations

import re

from django.http import HttpResponse


def secret_on_page(response: HttpResponse) -> str:
    """The authenticator secret the TOTP set-up page shows (what a person types into the app)."""
    assert response.status_code == 200, response.get("Location")
    html = response.content.decode()
    field = re.search(r'<input[^>]*id="authenticator_secret"[^>]*>', html)
    assert field, "no authenticator secret on the page"
    value = re.search(r'value="([A-Z2-7=]+)"', field.group(0))
    assert value, field.group(0)
    return value.group(1)


def current_step(response: HttpResponse) -> str | None:
    """The onboarding step the page marks as the current one (None: no step indicator)."""
    found = re.search(
        r'<li class="current" data-step="(\w+)" aria-current="step">', response.content.decode()
    )
    return found.group(1) if found else None
