from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "lers.reports"
    label = "reports"
