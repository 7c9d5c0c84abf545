from django.apps import AppConfig


class ChecksConfig(AppConfig):
    name = "speechdraft.checks"
    label = "checks"
    verbose_name = "查重与规范检查"
