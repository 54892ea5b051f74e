from django.apps import AppConfig


class ActionsConfig(AppConfig):
    name = "lers.actions"
    label = "actions"
