from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "lers.intake"
    label = "intake"
