"""Reading agencies, officers' access requests and their proofs, scoped to who asks."""

from __future__ import annotations

from django.db.models import F, QuerySet

from lers.accounts.models import User
from lers.accounts.roles import roles_of
from lers.agencies.models import AccessProof, AccessRequest, Agency, Officer
from lers.agencies.services.access import REVIEWERS
from lers.core.errors import NotFound


def access_request_of(user: User) -> AccessRequest | None:
    """The signed-in person's own access request, if they made one."""
    if not user.is_authenticated:
        return None
    return AccessRequest.objects.filter(user=user).first()


def access_requests_queue(user: User) -> QuerySet[AccessRequest]:
    """Requests waiting for a decision, the oldest clock first; reviewers only."""
    if not roles_of(user) & REVIEWERS:
        return AccessRequest.objects.none()
    return (
        AccessRequest.objects.filter(status=AccessRequest.Status.SUBMITTED)
        .select_related("user")
        .order_by(F("due_at").asc(nulls_last=True), "submitted_at")
    )


def access_request_get_for_staff(user: User, pk: int) -> AccessRequest:
    if not roles_of(user) & REVIEWERS:
        raise NotFound("no such access request")
    found = AccessRequest.objects.select_related("user", "agency").filter(pk=pk).first()
    if found is None:
        raise NotFound("no such access request")
    return found


def access_proof_get_for_staff(user: User, request_pk: int, proof_pk: int) -> AccessProof:
    access_request = access_request_get_for_staff(user, request_pk)
    proof = access_request.proofs.filter(pk=proof_pk).first()
    if proof is None:
        raise NotFound("no such document")
    return proof


def agencies_in(country: str) -> QuerySet[Agency]:
    return Agency.objects.filter(country=country).order_by("name")


def administered_agency(user: User) -> Agency | None:
    """The agency ``user`` administers, as an active agency administrator; else None."""
    officer = getattr(user, "officer", None)
    if officer is None or not officer.is_agency_admin or officer.status != Officer.Status.ACTIVE:
        return None
    return officer.agency
