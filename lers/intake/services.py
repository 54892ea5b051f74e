"""Taking a message from the law-enforcement mailbox (JU-03, JU-10, HX-03, X-05): exactly
once, kept raw and hashed, checked (DKIM, the From domain against the government-domain
registry and against the DKIM domain, the subject grammar), and put in the intake queue with
the reasons when a person must look at it.

Creating the draft case, its documents and targets from an accepted message is the next step
of this app (issue 7); until then an accepted message waits in the queue too."""

from __future__ import annotations

import email
import email.policy
import hashlib
from email.message import EmailMessage
from email.utils import parseaddr
from typing import Any

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction

from lers.agencies.services.registry import domain_registry
from lers.audit.services import audit_record
from lers.core.policy import active_policy
from lers.intake.dkimcheck import DnsLookup, verify_dkim
from lers.intake.models import IntakeMessage
from lers.intake.subject import SubjectError, parse_subject


def _message_id(message: EmailMessage, digest: str) -> str:
    value = " ".join(str(message.get("Message-ID", "")).split())
    return value[:998] if value else f"<{digest}@lers.no-message-id>"


def _attachments(message: EmailMessage) -> list[dict[str, Any]]:
    found = []
    for part in message.iter_attachments():
        payload = part.get_payload(decode=True) or b""
        found.append(
            {
                "name": part.get_filename() or "unnamed",
                "type": part.get_content_type(),
                "size": len(payload),
                "sha256": hashlib.sha256(payload).hexdigest(),
            }
        )
    return found


def intake_message(
    raw: bytes, *, source: str, dnsfunc: DnsLookup | None = None
) -> tuple[IntakeMessage, bool]:
    """Takes one RFC 5322 message; returns it and whether it was new (a message seen before,
    by Message-ID or by content, is not taken twice)."""
    digest = hashlib.sha256(raw).hexdigest()
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    message_id = _message_id(message, digest)
    seen = IntakeMessage.objects.filter(message_id=message_id).first() or (
        IntakeMessage.objects.filter(sha256=digest).first()
    )
    if seen is not None:
        return seen, False
    _name, address = parseaddr(str(message.get("From", "")))
    address = address.strip().lower()
    domain = address.rpartition("@")[2] if "@" in address else ""
    reasons: list[str] = []
    signature = verify_dkim(raw, dnsfunc)
    if signature.status != "pass":
        reasons.append(f"DKIM {signature.status}: {signature.reason}")
    check = domain_registry().check(address or "invalid@invalid")
    if check.status != "registry":
        reasons.append(f"From domain {check.status}: {check.reason}")
    aligned = (
        signature.status == "pass"
        and bool(domain)
        and (domain == signature.domain or domain.endswith("." + signature.domain))
    )
    if signature.status == "pass" and not aligned:
        reasons.append(f"From domain {domain} is not the signing domain {signature.domain}")
    grammar = active_policy().email_subject
    subject = " ".join(str(message.get("Subject", "")).split())
    parsed: dict[str, Any] = {}
    try:
        found = parse_subject(
            subject,
            fields=grammar.fields,
            separators=grammar.separators,
            urgency=grammar.urgency,
            request_types=grammar.request_types,
        )
        parsed = {
            "urgency": found.urgency,
            "organisation": found.organisation,
            "case_number": found.case_number,
            "request_types": list(found.request_types),
        }
    except SubjectError as exc:
        reasons.append(f"subject: {exc}")
    status = IntakeMessage.Status.QUEUED if reasons else IntakeMessage.Status.ACCEPTED
    try:
        with transaction.atomic():
            intake = IntakeMessage(
                message_id=message_id,
                sha256=digest,
                size=len(raw),
                source=source,
                from_address=address[:320],
                from_domain=domain[:253],
                subject=subject,
                dkim=signature.status,
                dkim_domain=signature.domain[:253],
                dkim_reason=signature.reason,
                domain_status=check.status,
                domain_reason=check.reason[:300],
                aligned=aligned,
                parsed=parsed,
                attachments=_attachments(message),
                status=status,
                reasons=reasons,
            )
            intake.raw.save(f"{digest}.eml", ContentFile(raw), save=False)
            intake.save()
            audit_record(
                actor=None,
                action="intake.received",
                obj=intake,
                payload={
                    "message_id": message_id,
                    "sha256": digest,
                    "from": address,
                    "dkim": signature.status,
                    "status": status,
                    "reasons": reasons,
                },
            )
    except IntegrityError:  # taken at the same moment by another poll
        return IntakeMessage.objects.get(message_id=message_id), False
    return intake, True
