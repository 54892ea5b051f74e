"""What the agency hears about the actions on its case, in each officer's language."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.functional import Promise

from lers.agencies.models import Officer
from lers.cases.models import Case
from lers.cases.notifications import case_url
from lers.core.mail import mail_enqueue


def notify_officers(case: Case, headline: Promise, lines: Sequence[Promise | str] = ()) -> None:
    """``headline`` and ``lines`` are lazy translations: each officer reads them in their own
    language (rendering happens under that language)."""
    officers = (
        case.officers.filter(status=Officer.Status.ACTIVE, user__is_active=True)
        .exclude(user__email="")
        .select_related("user")
    )
    for officer in officers:
        mail_enqueue(
            to=[officer.user.email],
            template="action_update",
            language=officer.user.preferred_language,
            context={
                "case": case,
                "headline": headline,
                "lines": list(lines),
                "url": case_url(case, staff=False),
            },
        )
