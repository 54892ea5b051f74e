"""Taking a message from the law-enforcement mailbox (JU-03, JU-10, HX-03, X-05): exactly
once, kept raw and hashed, checked (DKIM, the From domain against the government-domain
registry and against the DKIM domain, the subject grammar), each attachment judged (its content
and its document type, ``lers.intake.judge``) and the identifiers it names listed, and put in
the intake queue with the reasons when a person must look at it.

A message whose checks pass and whose sender's agency is known becomes a case marked "email
intake", with its attachments as documents of the judged types (the portal's checks) and the
identifiers of its text as targets. From a known officer, where the profile's channel is email
(``intake.email_submits``), the case is submitted as the officer would submit it (incomplete
and flagged, where the profile takes that); otherwise it is a draft. A sender who is not a
known officer follows ``intake.unknown_sender``: a case left for staff and an invitation to
the portal, or (Ju) no case until staff record the telephone verification
(``lers.intake.verification``). A forged-looking or unreadable message creates nothing and gets
no answer."""

from __future__ import annotations

import email
import email.policy
import hashlib
import logging
from email.message import EmailMessage
from email.utils import parseaddr
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from lers.accounts.models import Role, User
from lers.accounts.roles import roles_of
from lers.agencies.models import Agency, Officer
from lers.agencies.registry import domain_covers
from lers.agencies.served import (
    Finding,
    agency_domain_finding,
    email_finding,
    served_record,
    verdict,
)
from lers.agencies.services.registry import domain_registry
from lers.audit.services import audit_record
from lers.cases.models import Case
from lers.cases.notifications import case_url
from lers.cases.services.documents import Attachment
from lers.cases.services.email import case_from_email
from lers.cases.services.transitions import case_submit
from lers.core.errors import DomainError, IllegalTransition, NotPermitted
from lers.core.mail import mail_enqueue
from lers.core.policy import active_policy
from lers.core.text import clean_text
from lers.identifiers import Hints, extract
from lers.identifiers.documents import document_text
from lers.intake.dkimcheck import DnsLookup, verify_dkim
from lers.intake.judge import OTHER, attachment_judge
from lers.intake.models import IntakeMessage
from lers.intake.subject import SubjectError, parse_subject

log = logging.getLogger(__name__)

MAX_IDENTIFIERS = 500  # listed in the queue; the case takes every one it can


def _message_id(message: EmailMessage, digest: str) -> str:
    value = " ".join(clean_text(str(message.get("Message-ID", ""))).split())
    return value[:998] if value else f"<{digest}@lers.no-message-id>"


def _attachments(message: EmailMessage) -> list[dict[str, Any]]:
    """Each attachment with what it was judged to be (JU-03): shown in the intake queue before
    any case exists, and the type its document gets on the case."""
    found = []
    for part in message.iter_attachments():
        payload = part.get_payload(decode=True) or b""
        name = part.get_filename() or "unnamed"
        found.append(
            {
                "name": name,
                "type": part.get_content_type(),
                "size": len(payload),
                "sha256": hashlib.sha256(payload).hexdigest(),
                **attachment_judge(name, payload).as_json(),
            }
        )
    return found


def _identifiers(text: str) -> list[dict[str, Any]]:
    """The identifiers the message names (body and attachments), each once, for the queue."""
    policy = active_policy().identifiers
    hints = Hints(uid_pattern=policy.uid_pattern, uid_label=policy.uid_label)
    listed: list[dict[str, Any]] = []
    seen: set[tuple[str, str]] = set()
    for item in extract(text, hints=hints):
        if (item.kind, item.normalised) in seen or item.kind == "private_key":
            continue
        seen.add((item.kind, item.normalised))
        listed.append(
            {
                "kind": item.kind,
                "value": item.normalised[:300],
                "valid": item.valid,
                "chains": list(item.chains),
            }
        )
    return listed[:MAX_IDENTIFIERS]


def _examine(
    raw: bytes, message: EmailMessage, dnsfunc: DnsLookup | None
) -> tuple[dict[str, Any], list[str]]:
    """What the checks find: the message's fields and the reasons a person must look at it."""
    _name, address = parseaddr(str(message.get("From", "")))
    address = address.strip().lower()
    domain = address.rpartition("@")[2] if "@" in address else ""
    reasons: list[str] = []
    signature = verify_dkim(raw, dnsfunc)
    if signature.status != "pass":
        reasons.append(f"DKIM {signature.status}: {signature.reason}")
    check = domain_registry().check(address or "invalid@invalid")
    # Whom the profile serves (HX-03, JU-03): an address it does not take is held for a person,
    # or refused with an answer, but only once the message is otherwise sound (see _take).
    served = email_finding(check)
    refusal = ""
    if served is not None and served.outcome == "refuse":
        refusal = served.reason
    elif served is not None:
        reasons.append(f"From domain {check.status}: {check.reason}. {served.reason}")
    elif check.status in ("lookalike", "invalid"):  # X-05, whatever the profile takes
        reasons.append(f"From domain {check.status}: {check.reason}")
    aligned = (
        signature.status == "pass" and bool(domain) and domain_covers(domain, signature.domain)
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
    # A header can carry anything (a NUL in an encoded word, a reason too long): what is
    # stored is cleaned and cut to its column.
    return {
        "from_address": clean_text(address)[:320],
        "from_domain": clean_text(domain)[:253],
        "subject": clean_text(subject),
        "dkim": signature.status,
        "dkim_domain": clean_text(signature.domain)[:253],
        "dkim_reason": clean_text(signature.reason)[:300],
        "domain_status": check.status,
        "domain_reason": clean_text(check.reason)[:300],
        "aligned": aligned,
        "parsed": _clean(parsed),
        "attachments": _clean(_attachments(message)),
        "identifiers": _clean(_identifiers(_text_of(message))),
        "refusal": clean_text(refusal),
        "served": served if served is not None and served.outcome == "hold" else None,
    }, [clean_text(r) for r in reasons]


def _clean(value: Any) -> Any:
    """Strings in a JSON value without NUL (PostgreSQL's JSON refuses \u0000)."""
    if isinstance(value, str):
        return value.replace("\x00", "")
    if isinstance(value, list):
        return [_clean(v) for v in value]
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    return value


def intake_message(
    raw: bytes, *, source: str, dnsfunc: DnsLookup | None = None
) -> tuple[IntakeMessage, bool]:
    """Takes one RFC 5322 message; returns it and whether it was new (a message seen before,
    by Message-ID or by content, is not taken twice). A message lers fails to store as read
    is stored raw, waiting for a person: one bad message never stops the mailbox."""
    digest = hashlib.sha256(raw).hexdigest()
    try:
        return _take(raw, digest, source, dnsfunc)
    except Exception as exc:
        log.exception("intake: message %s could not be stored as read", digest)
        return _keep_unreadable(raw, digest, source, exc)


def _keep_unreadable(
    raw: bytes, digest: str, source: str, error: Exception
) -> tuple[IntakeMessage, bool]:
    seen = IntakeMessage.objects.filter(sha256=digest).first()
    if seen is not None:
        return seen, False
    reason = clean_text(f"the message could not be stored as read: {type(error).__name__}")
    intake = _store(
        raw,
        digest,
        message_id=f"<{digest}@lers.unreadable>",
        source=source,
        reasons=[reason],
        fields={"dkim": IntakeMessage.Dkim.NONE},
    )
    return intake, True


def _store(
    raw: bytes,
    digest: str,
    *,
    message_id: str,
    source: str,
    reasons: list[str],
    fields: dict[str, Any],
) -> IntakeMessage:
    """Keeps the raw message and what the checks found, with its audit event."""
    status = IntakeMessage.Status.QUEUED if reasons else IntakeMessage.Status.ACCEPTED
    with transaction.atomic():
        intake = IntakeMessage(
            message_id=message_id,
            sha256=digest,
            size=len(raw),
            source=source,
            status=status,
            reasons=reasons,
            **fields,
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
                "from": intake.from_address,
                "dkim": intake.dkim,
                "status": status,
                "reasons": reasons,
                # What the intake judged each attachment (JU-03), and how many identifiers.
                "attachments": [
                    {k: a.get(k) for k in ("name", "sha256", "ok", "doc_type", "typed_by")}
                    for a in intake.attachments
                    if isinstance(a, dict)
                ],
                "identifiers": len(intake.identifiers),
            },
        )
    return intake


def _take(
    raw: bytes, digest: str, source: str, dnsfunc: DnsLookup | None
) -> tuple[IntakeMessage, bool]:
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    message_id = _message_id(message, digest)
    seen = IntakeMessage.objects.filter(message_id=message_id).first() or (
        IntakeMessage.objects.filter(sha256=digest).first()
    )
    if seen is not None:
        return seen, False
    try:
        fields, reasons = _examine(raw, message, dnsfunc)
    except Exception as exc:  # a message too broken to read still waits for a person
        fields = {"dkim": IntakeMessage.Dkim.NONE}
        reasons = [clean_text(f"the message could not be read: {type(exc).__name__}: {exc}")[:500]]
    refusal, held = fields.pop("refusal", ""), fields.pop("served", None)
    if refusal and (reasons or "email" not in active_policy().intake.channels):
        # A sender whose message fails other checks may not be who it says, and a profile that
        # takes no email answers none: no answer, a person looks.
        reasons.append(f"From domain {fields.get('domain_status')}: {refusal}")
        refusal = ""
    try:
        intake = _store(
            raw, digest, message_id=message_id, source=source, reasons=reasons, fields=fields
        )
    except IntegrityError:  # taken at the same moment by another poll
        return IntakeMessage.objects.get(message_id=message_id), False
    if held is not None:
        served_record(
            verdict(held), door="email", actor=None, obj=intake, email_domain=intake.from_domain
        )
    if intake.status == IntakeMessage.Status.ACCEPTED and refusal:
        _refuse(intake, refusal)
    elif intake.status == IntakeMessage.Status.ACCEPTED:
        try:
            message_to_case(intake, message)
        except Exception as exc:  # the message stays, waiting for a person
            log.exception("intake %s: no case", intake.pk)
            _queue(intake, [f"no case could be made: {type(exc).__name__}: {exc}"[:500]])
    return intake, True


def _refuse(intake: IntakeMessage, reason: str) -> None:
    """The profile does not take this sender (HX-03): no case; the sender is told why."""
    decided = verdict(Finding("non_government_email", "refuse", reason))
    with transaction.atomic():
        intake.status = IntakeMessage.Status.DONE
        intake.reasons = [*intake.reasons, f"refused: {reason}"]
        intake.save(update_fields=["status", "reasons"])
        served_record(
            decided, door="email", actor=None, obj=intake, email_domain=intake.from_domain
        )
        mail_enqueue(
            to=[intake.from_address],
            template="intake_refused",
            context={"subject": intake.subject, "reason": reason},
        )


def intake_user() -> User:
    """The account that files what an unknown sender sent (it cannot sign in)."""
    user, created = User.objects.get_or_create(
        username="lers-intake", defaults={"is_active": False, "display_name": "Email intake"}
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def sender_of(address: str, domain: str) -> tuple[Agency | None, Officer | None]:
    officer = (
        Officer.objects.filter(
            user__email__iexact=address, status=Officer.Status.ACTIVE, user__is_active=True
        )
        .select_related("agency", "user")
        .first()
    )
    if officer is not None:
        return officer.agency, officer
    for agency in Agency.objects.exclude(email_domains=[]):
        if any(domain_covers(domain, d) for d in agency.email_domains or []):
            return agency, None
    return None, None


def _text_of(message: EmailMessage) -> str:
    body = message.get_body(preferencelist=("plain", "html"))
    text = body.get_content() if body is not None else ""
    for part in message.iter_attachments():
        data = part.get_payload(decode=True) or b""
        if len(data) <= 5 * 2**20:  # identifiers of small documents; larger ones stay for staff
            try:
                text += "\n" + document_text(part.get_filename() or "", data)
            except Exception:
                continue
    return text


def _plain(message: EmailMessage) -> str:
    body = message.get_body(preferencelist=("plain",))
    return str(body.get_content()) if body is not None else ""


def _judged_types(intake: IntakeMessage, message: EmailMessage) -> list[Attachment]:
    """The attachments with the type the intake judged (``lers.intake.judge``), in order."""
    judged = intake.attachments if isinstance(intake.attachments, list) else []
    attachments = []
    for index, part in enumerate(message.iter_attachments()):
        seen = judged[index] if index < len(judged) and isinstance(judged[index], dict) else {}
        kind = seen.get("doc_type") or OTHER
        if kind not in active_policy().document_types:
            kind = OTHER
        name = part.get_filename() or "unnamed"
        attachments.append(Attachment(kind, name, part.get_payload(decode=True) or b""))
    return attachments


def message_to_case(intake: IntakeMessage, message: EmailMessage) -> None:
    policy = active_policy()
    if "email" not in policy.intake.channels:
        _queue(intake, ["the profile takes no requests by email: point the sender to the portal"])
        return
    agency, officer = sender_of(intake.from_address, intake.from_domain)
    if agency is None:
        _queue(intake, ["sender's agency unknown: no agency lists this domain"])
        return
    if officer is None and policy.intake.unknown_sender == "telephone_verification":
        _wait_for_call(intake, agency)
        return
    # An agency that lists no domains cannot vouch for its officer's address: a person looks.
    unvouched = agency_domain_finding(agency, intake.from_address) if officer else None
    parsed = intake.parsed
    by = officer.user if officer is not None else intake_user()
    made = case_from_email(
        agency=agency,
        officer=officer,
        by=by,
        request_types=parsed.get("request_types", []),
        urgency=parsed.get("urgency", "standard"),
        title=f"{parsed.get('organisation', '')} {parsed.get('case_number', '')}".strip(),
        agency_case_number=parsed.get("case_number", ""),
        summary=_plain(message),
        attachments=_judged_types(intake, message),
        text=_text_of(message),
        intake_id=intake.pk,
    )
    reasons = [f"attachment {name!r} refused: {why}" for name, why in made.refused]
    if officer is None:
        reasons.append("the sender is not a registered officer: verify before acting")
    if unvouched is not None:
        reasons.append(unvouched.reason)
    submitted = False
    if officer is not None and unvouched is None and policy.intake.email_submits:
        # JU-03: the email is the request; the officer does not sign in to send it again.
        refusal = _submit(intake, made.case, officer)
        submitted = not refusal
        if refusal:
            reasons.append(refusal)
        made.case.refresh_from_db()
    with transaction.atomic():
        intake.case = made.case
        intake.status = IntakeMessage.Status.QUEUED if reasons else IntakeMessage.Status.DONE
        intake.reasons = [*intake.reasons, *reasons]
        intake.save(update_fields=["case", "status", "reasons"])
        audit_record(
            actor=None,
            action="intake.case_created",
            obj=intake,
            case_ref=made.case.reference,
            payload={
                "documents": made.documents,
                "targets": made.targets,
                "refused": made.refused,
                "submitted": submitted,
            },
        )
        if unvouched is not None:
            served_record(
                verdict(unvouched),
                door="email",
                actor=None,
                obj=intake,
                case_ref=made.case.reference,
            )
        mail_enqueue(
            to=[intake.from_address],
            template="intake_acknowledged",
            context={
                "case": made.case,
                "subject": intake.subject,
                "known": officer is not None,
                "submitted": submitted,
                "portal": settings.LERS_BASE_URL.rstrip("/") + reverse("portal-access"),
                "url": case_url(made.case, staff=False),
            },
        )


def _submit(intake: IntakeMessage, case: Case, officer: Officer) -> str:
    """Submits the case an officer's email made, as the officer would (the checklist, whom the
    profile serves); where the profile flags incomplete requests it goes marked incomplete.
    Returns why it stays a draft, or ""."""
    flagged = active_policy().intake.incomplete_submission == "flagged"
    try:  # not in a transaction of ours: a refusal the submission records must stay recorded
        done = case_submit(case=case, by=officer.user, accept_incomplete=flagged)
    except DomainError as exc:
        audit_record(
            actor=None,
            action="intake.case_not_submitted",
            obj=intake,
            case_ref=case.reference,
            payload={"reason": clean_text(str(exc.message))},
        )
        return f"the case stays a draft: {exc.message}"
    audit_record(
        actor=None,
        action="intake.case_submitted",
        obj=intake,
        case_ref=done.reference,
        payload={"officer_id": officer.pk, "incomplete": done.incomplete},
    )
    return ""


def _wait_for_call(intake: IntakeMessage, agency: Agency) -> None:
    """A sender who is not a registered officer, under a profile that verifies by telephone
    (Ju): no case yet; the message waits until staff call the agency's directory number
    (``lers.intake.verification``). The sender is told a call will come, not sent to a portal
    access approval the exchange does not have."""
    reason = (
        f"telephone verification needed: {intake.from_address} is not a registered officer of "
        f"{agency.name}; call the agency's directory number before a case is made"
    )
    with transaction.atomic():
        intake.status = IntakeMessage.Status.QUEUED
        intake.waits_for = IntakeMessage.WaitsFor.TELEPHONE
        intake.reasons = [*intake.reasons, reason]
        intake.save(update_fields=["status", "waits_for", "reasons"])
        audit_record(
            actor=None,
            action="intake.queued",
            obj=intake,
            payload={"reasons": [reason], "waits_for": intake.waits_for, "agency": agency.pk},
        )
        mail_enqueue(
            to=[intake.from_address],
            template="intake_verification",
            context={"subject": intake.subject, "agency": agency.name},
        )


def _queue(intake: IntakeMessage, reasons: list[str]) -> None:
    with transaction.atomic():
        intake.status = IntakeMessage.Status.QUEUED
        intake.reasons = [*intake.reasons, *reasons]
        intake.save(update_fields=["status", "reasons"])
        audit_record(actor=None, action="intake.queued", obj=intake, payload={"reasons": reasons})


def intake_handle(*, intake: IntakeMessage, by: User, note: str) -> IntakeMessage:
    """An intake analyst records what became of a queued message (answered, forwarded to the
    right desk, reported as forged...)."""
    if Role.INTAKE_ANALYST not in roles_of(by):
        raise NotPermitted(_("only intake analysts handle the intake queue"))
    note = clean_text(note)
    if not note.strip():
        raise DomainError(_("say what became of the message"))
    with transaction.atomic():
        locked = IntakeMessage.objects.select_for_update().get(pk=intake.pk)
        if locked.status != IntakeMessage.Status.QUEUED:
            raise IllegalTransition(_("this message is not waiting"), state=locked.status)
        locked.status = IntakeMessage.Status.DONE
        locked.reasons = [*locked.reasons, f"handled by {by}: {note}"]
        locked.save(update_fields=["status", "reasons"])
        audit_record(actor=by, action="intake.handled", obj=locked, payload={"note": note})
    return locked


def intake_open_raw(*, intake: IntakeMessage, by: User) -> IntakeMessage:
    """Staff open the raw message: on the record."""
    audit_record(actor=by, action="intake.raw_opened", obj=intake, payload={})
    return intake
