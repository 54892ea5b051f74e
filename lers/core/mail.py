"""Email, sent from the durable job queue after the change that caused it commits.

An email is a subject, a text body and an HTML body, rendered from
``templates/emails/<name>.subject.txt|.txt|.html`` when it is enqueued (inside the
transaction, no network) and sent by the ``mail.send`` job.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation

from lers.jobs.services import job_enqueue


def mail_render(
    *, to: list[str], template: str, context: dict[str, Any], language: str | None = None
) -> dict[str, Any] | None:
    """The message in ``language`` (the recipient's), or the one active now; None when it
    has nobody to go to."""
    recipients = sorted({address for address in to if address})
    if not recipients:
        return None
    with translation.override(language or translation.get_language()):
        subject = render_to_string(f"emails/{template}.subject.txt", context).strip()
        text = render_to_string(f"emails/{template}.txt", context)
        html = render_to_string(f"emails/{template}.html", context)
    return {"to": recipients, "subject": " ".join(subject.split()), "text": text, "html": html}


def mail_enqueue(
    *, to: list[str], template: str, context: dict[str, Any], language: str | None = None
) -> None:
    """Renders now and sends from the queue. Not for secrets: the rendered message waits in
    the job's payload (see mail_render and mail_send for a message rendered when sent)."""
    payload = mail_render(to=to, template=template, context=context, language=language)
    if payload is not None:
        job_enqueue(name="mail.send", payload=payload)


def mail_send(payload: dict[str, Any]) -> None:
    message = EmailMultiAlternatives(
        subject=payload["subject"],
        body=payload["text"],
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=payload["to"],
    )
    message.attach_alternative(payload["html"], "text/html")
    message.send()
