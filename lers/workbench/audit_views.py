"""The audit trail's page (issue 19.5): its size, the latest signed checkpoint and its age,
and the whole verification on request. For auditors and administrators; read-only."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from lers.accounts.models import Role
from lers.accounts.roles import roles_of
from lers.audit.checkpoints import trail_status
from lers.core.errors import NotFound

READERS = frozenset({Role.AUDITOR, Role.ADMIN})


@login_required
def audit_trail(request: HttpRequest) -> HttpResponse:
    if not roles_of(request.user) & READERS:
        raise NotFound("no such page")
    status = trail_status(verify=request.GET.get("verify") == "1")
    return render(request, "workbench/audit.html", {"status": status})
