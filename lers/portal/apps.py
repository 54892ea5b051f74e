from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "lers.portal"
    label = "portal"
