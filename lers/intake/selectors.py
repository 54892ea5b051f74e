"""The intake queue, for the staff who triage (intake analysts) and auditors."""

from __future__ import annotations

from django.db.models import QuerySet

from lers.accounts.models import Role, User
from lers.accounts.roles import roles_of
from lers.core.errors import NotFound
from lers.intake.models import IntakeMessage

READERS = frozenset({Role.INTAKE_ANALYST, Role.AUDITOR})


def intake_queue(user: User, *, everything: bool = False) -> QuerySet[IntakeMessage]:
    if not roles_of(user) & READERS:
        raise NotFound("no such page")  # the queue is the intake analysts' (auditors read it)
    messages = IntakeMessage.objects.select_related("case")
    return messages if everything else messages.filter(status=IntakeMessage.Status.QUEUED)


def intake_get(user: User, pk: int) -> IntakeMessage:
    found = intake_queue(user, everything=True).filter(pk=pk).first()  # 404 for others
    if found is None:
        raise NotFound("no such message")
    return found
