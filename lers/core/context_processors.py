from django.http import HttpRequest

from lers.core.policy import active_policy


def policy(request: HttpRequest) -> dict[str, str]:
    return {"policy_name": active_policy().profile.name}
