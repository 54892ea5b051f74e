from django.apps import AppConfig


class WorkbenchConfig(AppConfig):
    name = "lers.workbench"
    label = "workbench"
