"""The agency directory: the agencies lers knows and the contacts call-backs rely on."""

from __future__ import annotations

from django.db import transaction

from lers.accounts.models import User
from lers.accounts.roles import roles_of
from lers.agencies.models import AccessRequest, Agency, Officer
from lers.agencies.services.access import REVIEWERS, access_request_approve
from lers.audit.services import audit_record
from lers.core.errors import DomainError, NotPermitted
from lers.core.text import clean_text


def agency_create(
    *, name: str, country: str, kind: str, email_domains: list[str], by: User
) -> Agency:
    if not roles_of(by) & REVIEWERS:
        raise NotPermitted("only intake analysts and administrators add agencies")
    name = clean_text(name)
    country = country.strip().upper()
    if not name or len(country) != 2:
        raise DomainError("an agency has a name and a two-letter country code")
    if kind not in Agency.Kind.values:
        raise DomainError(f"unknown kind of agency {kind!r}")
    with transaction.atomic():
        if Agency.objects.filter(name__iexact=name, country=country).exists():
            raise DomainError(f"{name} ({country}) is already in the directory")
        agency = Agency.objects.create(
            name=name,
            country=country,
            kind=kind,
            email_domains=sorted({d.strip().lower() for d in email_domains if d.strip()}),
        )
        audit_record(
            actor=by,
            action="agency.created",
            obj=agency,
            payload={"name": name, "country": country, "kind": kind},
        )
    return agency


def access_request_approve_new_agency(
    *, access_request: AccessRequest, by: User, kind: str, hold_note: str = ""
) -> Officer:
    """Approve into an agency the directory does not know yet, named as the officer gave it.

    One transaction: if the approval is refused (no proof, say), no agency is left behind.
    """
    with transaction.atomic():
        agency = agency_create(
            name=access_request.agency_name,
            country=access_request.country,
            kind=kind,
            # A personal or unknown domain (gmail.com) would vouch for anyone writing from it.
            email_domains=(
                [access_request.user.email.rpartition("@")[2]]
                if access_request.domain_status == "registry"
                else []
            ),
            by=by,
        )
        return access_request_approve(
            access_request=access_request, by=by, agency=agency, hold_note=hold_note
        )


def officer_register_by_call(
    *, agency: Agency, email: str, by: User, number: str, name: str = ""
) -> Officer:
    """A sender the exchange verified by telephone through the agency's directory number
    (JU-03, JU-04: Ju has no portal access step) becomes an active officer of the agency, so
    that this and their later emails are a known officer's. The account has no password: the
    officer signs in to the portal only after setting one through the password reset."""
    if not roles_of(by) & REVIEWERS:
        raise NotPermitted("only intake analysts and administrators register officers")
    email = email.strip().lower()
    with transaction.atomic():
        user = User.objects.filter(email__iexact=email).first()
        if user is not None and hasattr(user, "officer"):
            officer = user.officer
            if officer.agency_id != agency.pk:
                raise DomainError(f"{email} is an officer of another agency")
            if officer.status != Officer.Status.ACTIVE or not user.is_active:
                raise DomainError(f"{email} is an officer whose access is {officer.status}")
            return officer
        if user is not None:
            raise DomainError(f"{email} is the address of an account that is not an officer's")
        user = User(username=email[:150], email=email, display_name=clean_text(name)[:200])
        user.set_unusable_password()
        user.save()
        officer = Officer.objects.create(user=user, agency=agency, status=Officer.Status.ACTIVE)
        audit_record(
            actor=by,
            action="officer.registered_by_call",
            obj=officer,
            payload={"agency": agency.pk, "email": email, "number": number},
        )
    return officer
