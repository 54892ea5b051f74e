from django.apps import AppConfig


class AgenciesConfig(AppConfig):
    name = "lers.agencies"
    label = "agencies"
