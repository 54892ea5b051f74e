"""What a person reads off a page, for tests that drive the pages with Django's client."""

from __future__ import annotations

import re

from django.http import HttpResponse

from lers.jobs.models import Job


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


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
# The access request form as a new officer fills it in.
ACCESS_FORM = {
    "email": "dc.smith@met.police.uk",
    "password": "a long and unusual passphrase 42",
    "full_name": "DC Sam Smith",
    "title": "Detective Constable",
    "badge_number": "MP1234",
    "agency_name": "Metropolitan Police Service",
    "country": "GB",
    "office_phone": "020 7230 1212",
    "mobile_phone": "",
    "supervisor_name": "DS Jo Jones",
    "supervisor_email": "jo.jones@met.police.uk",
    "requester_kind": "law_enforcement",
}


def mailed_code() -> str:
    """The six-digit code of the last email lers queued."""
    job = Job.objects.filter(name="mail.send").order_by("-pk").first()
    assert job is not None
    found = re.search(r"\b(\d{6})\b", job.payload["text"])
    assert found is not None
    return found.group(1)
