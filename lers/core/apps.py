from django.apps import AppConfig
from django.core.exceptions import ImproperlyConfigured


class CoreConfig(AppConfig):
    name = "lers.core"
    label = "core"

    def ready(self) -> None:
        from lers.core.policy import active_policy
        from lers.policy import PolicyError

        # A malformed profile stops start-up here, naming the file and the key.
        try:
            active_policy()
        except PolicyError as exc:
            raise ImproperlyConfigured(f"LERS_POLICY: {exc}") from exc
