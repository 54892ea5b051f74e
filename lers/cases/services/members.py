"""The staff on a case: who holds it and who else works on it (DESIGN.md, "Trust")."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from lers.accounts.models import User
from lers.accounts.roles import roles_of
from lers.audit.services import audit_record
from lers.cases.lifecycle import TERMINAL
from lers.cases.models import Case, CaseMember
from lers.cases.permissions import CASE_WORKERS, Step, require
from lers.cases.services.access import lock_case
from lers.core.errors import DomainError, IllegalTransition


def member_add(*, case: Case, user: User, by: User) -> CaseMember:
    """Puts ``user`` on the case (inside the caller's transaction, checks done by the caller)."""
    member, created = CaseMember.objects.get_or_create(
        case=case, user=user, defaults={"added_by": by}
    )
    if created:
        audit_record(
            actor=by,
            action="case.member_added",
            obj=case,
            case_ref=case.reference,
            payload={"user_id": user.pk, "username": user.username},
        )
    return member


def case_assign(*, case: Case, by: User, user: User, hold: bool = False) -> Case:
    """A member of the staff on the case adds a colleague to it; ``hold`` hands the case over
    to them as well."""
    if not user.is_active or not roles_of(user) & CASE_WORKERS:
        raise DomainError(_("only active staff who work on cases can be assigned to one"))
    with transaction.atomic():
        locked = lock_case(case)
        require(by, Step.ASSIGN, locked)
        if locked.state in TERMINAL:
            raise IllegalTransition(_("the case is finished"), state=locked.state)
        member_add(case=locked, user=user, by=by)
        if hold and locked.assignee_id != user.pk:
            previous = locked.assignee_id
            locked.assignee = user
            locked.save(update_fields=["assignee", "updated_at"])
            audit_record(
                actor=by,
                action="case.handed_over",
                obj=locked,
                case_ref=locked.reference,
                payload={"from": previous, "to": user.pk},
            )
    return locked
