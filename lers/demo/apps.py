from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "lers.demo"
    label = "demo"
