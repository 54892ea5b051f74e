from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "lers.audit"
    label = "audit"
