from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "lers.cases"
    label = "cases"
