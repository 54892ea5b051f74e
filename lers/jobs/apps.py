from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "lers.jobs"
    label = "jobs"
