from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "lers.accounts"
    label = "accounts"

    def ready(self) -> None:
        from lers.accounts.changes import connect

        connect()
