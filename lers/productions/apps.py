from django.apps import AppConfig


class ProductionsConfig(AppConfig):
    name = "lers.productions"
    label = "productions"
