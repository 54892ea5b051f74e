from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "lers.accounts"
    label = "accounts"
