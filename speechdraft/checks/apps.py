from django.apps import AppConfig


class ChecksConfig(AppConfig):
    name = "speechdraft.checks"
    label = "checks"
