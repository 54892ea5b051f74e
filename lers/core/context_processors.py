from typing import Any

from django.http import HttpRequest

from lers.accounts.roles import is_staff_member
from lers.core.policy import active_policy


def policy(request: HttpRequest) -> dict[str, Any]:
    return {
        "policy_name": active_policy().profile.name,
        "lers_staff": is_staff_member(request.user) if hasattr(request, "user") else False,
    }
