"""An officer's request for access (BN-02, HX-03, JU-07, X-01, X-05).

The officer signs up with their official email, proves the mailbox with a code, attaches proof
of authority and names a supervisor and an office landline; staff approve or refuse within the
profile's access-review clock. Nothing here says whether an address already has an account.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from typing import IO

import phonenumbers
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lers.accounts.models import Role, User
from lers.accounts.roles import roles_of
from lers.agencies.models import AccessProof, AccessRequest, Agency, Officer
from lers.agencies.registry import domain_covers
from lers.agencies.served import (
    REQUESTER_LABELS,
    agency_domain_finding,
    email_finding,
    requester_finding,
    served_record,
    verdict,
)
from lers.agencies.services.registry import domain_registry
from lers.audit.services import audit_record, audit_record_once
from lers.cases.deadlines import entity_calendar
from lers.core.errors import DomainError, GuardFailed, IllegalTransition, NotPermitted, NotServed
from lers.core.mail import mail_enqueue
from lers.core.policy import active_policy
from lers.core.terms import terms_record, terms_required
from lers.core.text import clean_text
from lers.core.uploads import upload_check

CODE_LIFETIME = dt.timedelta(minutes=30)
CODE_MAX_ATTEMPTS = 5
REVIEWERS = frozenset({Role.INTAKE_ANALYST, Role.ADMIN})


def _code_hash(code: str) -> str:
    # Keyed, so a database dump does not give away the codes of pending requests.
    return hmac.new(settings.SECRET_KEY.encode(), code.encode(), hashlib.sha256).hexdigest()


def phone_e164(value: str, *, region: str | None) -> str:
    """A phone number in E.164, or a domain error saying why it is not one."""
    try:
        number = phonenumbers.parse(value, region)
    except phonenumbers.NumberParseException as exc:
        raise DomainError(f"{value!r} is not a phone number: {exc}") from None
    if not phonenumbers.is_valid_number(number):
        raise DomainError(f"{value!r} is not a valid phone number for its country")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _new_code(access_request: AccessRequest) -> str:
    code = f"{secrets.randbelow(10**6):06d}"
    access_request.email_code_hash = _code_hash(code)
    access_request.email_code_expires_at = timezone.now() + CODE_LIFETIME
    access_request.email_code_attempts = 0
    return code


def access_request_create(
    *,
    email: str,
    password: str,
    full_name: str,
    agency_name: str,
    country: str,
    title: str,
    office_phone: str,
    supervisor_name: str,
    supervisor_email: str,
    requester_kind: str,
    mobile_phone: str = "",
    badge_number: str = "",
    language: str = "en",
    terms_acknowledged: bool = False,
) -> AccessRequest | None:
    """Start a request; returns None (and emails the owner) when the address has an account.

    The profile decides first whom it serves (``lers.agencies.served``): a requester it does not
    serve, or an address it does not take, is refused with the reason (before anything is
    looked up, so a refusal says nothing of existing accounts), or the request is held for the
    reviewer with the reason. Where the profile's terms are to be acknowledged, the request goes
    only with the acknowledgement (HX-15)."""
    email = clean_text(email).lower()
    # Where the profile asks for the supervisor (an emergency is confirmed with them, X-04),
    # both are required; elsewhere they are optional.
    supervisor_asked = active_policy().officer_verification.supervisor_contact
    try:
        validate_email(email)
        if supervisor_asked or supervisor_email.strip():
            validate_email(supervisor_email)
    except ValidationError:
        raise DomainError(
            _("enter valid email addresses for yourself and your supervisor")
        ) from None
    country = country.strip().upper()
    if len(country) != 2 or not country.isalpha():
        raise DomainError(_("the country is a two-letter ISO code, e.g. GB or HK"))
    office = phone_e164(office_phone, region=country)
    mobile = phone_e164(mobile_phone, region=country) if mobile_phone.strip() else ""
    required = [
        (_("Your name"), full_name),
        (_("Your agency"), agency_name),
        (_("Your title"), title),
    ]
    if supervisor_asked:
        required.append((_("Your supervisor's name"), supervisor_name))
    for label, value in required:
        if not clean_text(value):
            raise DomainError(_("%(field)s is required") % {"field": label})
    if requester_kind not in REQUESTER_LABELS:
        raise DomainError(_("unknown kind of requester %(kind)s") % {"kind": repr(requester_kind)})
    terms = terms_required(acknowledged=terms_acknowledged)
    check = domain_registry().check(email)
    decided = verdict(
        requester_finding(requester_kind),
        # The authorisation comes as a proof of authority, after the mailbox code: staff see it.
        email_finding(check, authorisation=None),
    )
    if decided.outcome == "refuse":
        served_record(
            decided,
            door="access",
            actor=None,
            requester_kind=requester_kind,
            email_domain=check.domain,
            country=country,
        )
        raise NotServed(decided.refusal)
    if User.objects.filter(email__iexact=email).exists():
        # Same answer as for a new address; the owner learns what happened by email.
        mail_enqueue(
            to=[email], template="access_exists", context={"email": email}, language=language
        )
        return None
    try:
        validate_password(password)
    except ValidationError as exc:
        raise DomainError(" ".join(exc.messages)) from None
    with transaction.atomic():
        user = User.objects.create_user(
            username=email,
            email=email,
            password=password,
            display_name=clean_text(full_name),
            preferred_language=language,
        )
        access_request = AccessRequest(
            user=user,
            agency_name=clean_text(agency_name),
            country=country,
            title=clean_text(title),
            badge_number=clean_text(badge_number),
            office_phone=office,
            mobile_phone=mobile,
            supervisor_name=clean_text(supervisor_name),
            supervisor_email=supervisor_email.strip().lower(),
            domain_status=check.status,
            domain_reason=check.reason[:300],
            requester_kind=requester_kind,
            served_holds=decided.holds,
        )
        if terms is not None:
            access_request.terms_version = terms.version
            access_request.terms_acknowledged_at = timezone.now()
        code = _new_code(access_request)
        access_request.save()
        audit_record(
            actor=user,
            action="access.requested",
            obj=access_request,
            payload={"domain_status": check.status, "country": country},
        )
        served_record(
            decided,
            door="access",
            actor=user,
            obj=access_request,
            requester_kind=requester_kind,
            email_domain=check.domain,
        )
        if terms is not None:
            terms_record(terms, actor=user, obj=access_request, door="access")
        mail_enqueue(
            to=[email],
            template="access_code",
            context={"code": code, "minutes": int(CODE_LIFETIME.total_seconds() // 60)},
            language=language,
        )
    return access_request


def access_request_resend_code(*, access_request: AccessRequest) -> None:
    with transaction.atomic():
        locked = AccessRequest.objects.select_for_update().get(pk=access_request.pk)
        if locked.status != AccessRequest.Status.EMAIL_UNVERIFIED:
            raise IllegalTransition("the email address is already confirmed")
        code = _new_code(locked)
        locked.save(
            update_fields=["email_code_hash", "email_code_expires_at", "email_code_attempts"]
        )
        mail_enqueue(
            to=[locked.user.email],
            template="access_code",
            context={"code": code, "minutes": int(CODE_LIFETIME.total_seconds() // 60)},
            language=locked.user.preferred_language,
        )


def _review_due(now: dt.datetime) -> dt.datetime | None:
    days = active_policy().sla.access_review_business_days
    if days is None:
        return None
    return entity_calendar(active_policy().entities[0]).add_business_days(now, days)


def access_request_confirm_email(*, access_request: AccessRequest, code: str) -> AccessRequest:
    """The mailbox is the officer's: the request joins the staff queue and its clock starts."""
    with transaction.atomic():
        locked = AccessRequest.objects.select_for_update().get(pk=access_request.pk)
        if locked.status != AccessRequest.Status.EMAIL_UNVERIFIED:
            raise IllegalTransition("the email address is already confirmed")
        if locked.email_code_attempts >= CODE_MAX_ATTEMPTS:
            raise GuardFailed("too many wrong codes: ask for a new one")
        expired = locked.email_code_expires_at is None or timezone.now() > (
            locked.email_code_expires_at
        )
        right = hmac.compare_digest(locked.email_code_hash, _code_hash(code.strip()))
        if expired or not right:
            # The failed attempt is committed: the error is raised after the transaction.
            locked.email_code_attempts += 1
            locked.save(update_fields=["email_code_attempts"])
    if expired or not right:
        raise GuardFailed("that code has expired" if expired else "that code is not right")
    with transaction.atomic():
        locked = AccessRequest.objects.select_for_update().get(pk=access_request.pk)
        if locked.status != AccessRequest.Status.EMAIL_UNVERIFIED:
            raise IllegalTransition("the email address is already confirmed")
        now = timezone.now()
        locked.email_verified_at = now
        locked.email_code_hash = ""
        locked.status = AccessRequest.Status.SUBMITTED
        locked.submitted_at = now
        locked.due_at = _review_due(now)
        locked.save()
        audit_record(
            actor=locked.user,
            action="access.email_confirmed",
            obj=locked,
            payload={"due_at": locked.due_at},
        )
    access_request_auto_approve(access_request=locked)
    locked.refresh_from_db()
    return locked


def access_proof_add(
    *, access_request: AccessRequest, by: User, doc_type: str, name: str, content: bytes | IO[bytes]
) -> AccessProof:
    accepted = active_policy().officer_verification.proof_of_authority_any_of
    if doc_type not in accepted:
        labels = [active_policy().document_types[c].label for c in accepted]
        raise DomainError(f"proof of authority is one of: {', '.join(labels)}")
    upload = upload_check(name=name, content=content)
    with transaction.atomic():
        locked = AccessRequest.objects.select_for_update().get(pk=access_request.pk)
        if locked.user_id != by.pk:
            raise NotPermitted("not your request")
        if locked.status not in AccessRequest.OPEN:
            raise IllegalTransition("this request has been decided")
        proof = AccessProof(
            access_request=locked,
            doc_type=doc_type,
            original_name=upload.name,
            content_type=upload.content_type,
            size=upload.size,
            sha256=upload.sha256,
        )
        proof.file.save(name, upload.file, save=False)
        proof.save()
        audit_record(
            actor=by,
            action="access.proof_added",
            obj=proof,
            payload={"doc_type": doc_type, "sha256": upload.sha256},
        )
    access_request_auto_approve(access_request=locked)
    return proof


def _decidable(access_request: AccessRequest, by: User) -> AccessRequest:
    if not roles_of(by) & REVIEWERS:
        raise NotPermitted("only intake analysts and administrators decide access requests")
    locked = AccessRequest.objects.select_for_update().get(pk=access_request.pk)
    if locked.status != AccessRequest.Status.SUBMITTED:
        raise IllegalTransition(
            "only a request with a confirmed email, not yet decided, can be decided",
            state=locked.status,
        )
    return locked


def access_holds(access_request: AccessRequest, agency: Agency) -> list[dict[str, str]]:
    """What holds the request for a person if approved into ``agency``: what the profile held
    at sign-up, and an agency whose listed domains cannot vouch for the address."""
    found = agency_domain_finding(agency, access_request.user.email, mismatch=True)
    return [*access_request.served_holds, *([found.as_dict()] if found else [])]


def access_request_approve(
    *, access_request: AccessRequest, by: User, agency: Agency, hold_note: str = ""
) -> Officer:
    """Approve into ``agency``. A held request (``access_holds``) is approved only with
    ``hold_note``, the reviewer's reason for clearing the hold, on the record; one held for a
    personal address only with the written authorisation the profile names among its proofs."""
    hold_note = clean_text(hold_note)
    with transaction.atomic():
        return _approve(_decidable(access_request, by), by=by, agency=agency, hold_note=hold_note)


def _vouching_agency(access_request: AccessRequest) -> Agency | None:
    """The one agency of the officer's country whose listed domains cover the address."""
    domain = access_request.user.email.rpartition("@")[2].lower()
    found = [
        a
        for a in Agency.objects.filter(country=access_request.country)
        if any(domain_covers(domain, d.lower()) for d in a.email_domains or [])
    ]
    return found[0] if len(found) == 1 else None


def access_request_auto_approve(*, access_request: AccessRequest) -> Officer | None:
    """Where the profile asks no approval before an officer uses the portal
    (``intake.access_approval_required = false``: 97 takes a request "from a government-domain
    email with badge or authorisation letter"), a request is approved by lers itself once its
    mailbox is confirmed, a proof of authority is attached, the address is in the
    government-domain registry, one known agency's domains cover it and nothing holds it for a
    person. Every request is still verified on its own (call-backs, documents); staff see the
    approval in the access queue and can suspend the officer. Otherwise None: a person decides."""
    if active_policy().intake.access_approval_required:
        return None
    with transaction.atomic():
        locked = AccessRequest.objects.select_for_update().get(pk=access_request.pk)
        if locked.status != AccessRequest.Status.SUBMITTED or not locked.proofs.exists():
            return None
        if locked.domain_status != "registry" or locked.served_holds:
            return None
        agency = _vouching_agency(locked)
        if agency is None or access_holds(locked, agency):
            return None
        return _approve(locked, by=None, agency=agency, hold_note="")


def _approve(locked: AccessRequest, *, by: User | None, agency: Agency, hold_note: str) -> Officer:
    """Inside the caller's transaction, ``locked`` held: the checks and the approval."""
    if not locked.proofs.exists():
        raise GuardFailed("no proof of authority is attached")
    if agency.country != locked.country:
        raise GuardFailed(
            f"the officer gave {locked.country} but {agency.name} is in {agency.country}"
        )
    holds = access_holds(locked, agency)
    written = active_policy().served.personal_email_with_written_authorisation
    personal = any(h["code"] == "personal_email" for h in holds)
    if personal and written and not locked.proofs.filter(doc_type=written).exists():
        raise GuardFailed(
            _("a personal address is approved only with %(document)s attached")
            % {"document": active_policy().document_types[written].label}
        )
    if holds and not hold_note:
        raise GuardFailed(
            _("This request is held: %(reasons)s Say why you approve it.")
            % {"reasons": " ".join(h["reason"] for h in holds)},
            holds=holds,
        )
    officer = Officer.objects.create(
        user=locked.user,
        agency=agency,
        title=locked.title,
        badge_number=locked.badge_number,
        office_phone=locked.office_phone,
        mobile_phone=locked.mobile_phone,
        supervisor_name=locked.supervisor_name,
        supervisor_email=locked.supervisor_email,
        status=Officer.Status.ACTIVE,
    )
    now = timezone.now()
    locked.status = AccessRequest.Status.APPROVED
    locked.agency = agency
    locked.decided_at = now
    locked.decided_by = by
    locked.served_holds = holds
    locked.served_hold_note = hold_note if holds else ""
    locked.save(
        update_fields=[
            "status",
            "agency",
            "decided_at",
            "decided_by",
            "served_holds",
            "served_hold_note",
        ]
    )
    audit_record(
        actor=by,
        action="access.approved",
        obj=locked,
        payload={
            "agency_id": agency.pk,
            "officer_id": officer.pk,
            "late": locked.due_at is not None and now > locked.due_at,
            "holds": holds,
            "hold_note": locked.served_hold_note,
            # By lers itself, where the profile asks no approval first (the rule it met).
            "automatic": by is None,
        },
    )
    mail_enqueue(
        to=[locked.user.email],
        template="access_approved",
        language=locked.user.preferred_language,
        context={"agency": agency},
    )
    return officer


def access_request_refuse(*, access_request: AccessRequest, by: User, reason: str) -> None:
    reason = clean_text(reason)
    if not reason:
        raise GuardFailed("a refusal gives the officer a reason")
    with transaction.atomic():
        locked = _decidable(access_request, by)
        now = timezone.now()
        locked.status = AccessRequest.Status.REFUSED
        locked.refusal_reason = reason
        locked.decided_at = now
        locked.decided_by = by
        locked.save(update_fields=["status", "refusal_reason", "decided_at", "decided_by"])
        locked.user.is_active = False
        locked.user.save(update_fields=["is_active"])
        audit_record(
            actor=by,
            action="access.refused",
            obj=locked,
            payload={"reason": reason, "late": locked.due_at is not None and now > locked.due_at},
        )
        mail_enqueue(
            to=[locked.user.email],
            template="access_refused",
            context={"reason": reason},
            language=locked.user.preferred_language,
        )


def access_requests_sweep(*, now: dt.datetime | None = None) -> int:
    """Tells the reviewers once about each request past its review clock."""
    now = now or timezone.now()
    reviewers = list(
        User.objects.filter(role_grants__role=Role.INTAKE_ANALYST, is_active=True)
        .exclude(email="")
        .values_list("email", flat=True)
    )
    count = 0
    overdue = AccessRequest.objects.filter(
        status=AccessRequest.Status.SUBMITTED, due_at__lt=now, overdue_notified=False
    )
    for pk in overdue.values_list("pk", flat=True):
        with transaction.atomic():
            locked = (
                AccessRequest.objects.select_for_update()
                .filter(pk=pk, overdue_notified=False)
                .first()
            )
            if locked is None:
                continue
            locked.overdue_notified = True
            locked.save(update_fields=["overdue_notified"])
            audit_record(actor=None, action="access.overdue", obj=locked)
            mail_enqueue(
                to=reviewers, template="access_overdue", context={"access_request": locked}
            )
            count += 1
    return count


def access_proof_open(*, user: User, proof: AccessProof) -> AccessProof:
    """A reviewer opens an officer's proof of authority: the read is on the record."""
    if not roles_of(user) & REVIEWERS:
        raise NotPermitted("only reviewers open proofs of authority")
    audit_record(
        actor=user,
        action="access.proof_viewed",
        obj=proof,
        payload={"access_request_id": proof.access_request_id},
    )
    return proof


# One look at a proof's preview is one event, however many page images it loads meanwhile.
PROOF_PREVIEW_LOOK = dt.timedelta(minutes=15)


def access_proof_preview_open(*, user: User, proof: AccessProof) -> AccessProof:
    """A reviewer looks at a proof's preview: the same check and event as opening it, once per
    reviewer, proof and look (``PROOF_PREVIEW_LOOK``), not once per page image."""
    if not roles_of(user) & REVIEWERS:
        raise NotPermitted("only reviewers open proofs of authority")
    audit_record_once(
        within=PROOF_PREVIEW_LOOK,
        actor=user,
        action="access.proof_viewed",
        obj=proof,
        payload={"access_request_id": proof.access_request_id, "via": "preview"},
    )
    return proof
