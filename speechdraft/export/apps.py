from django.apps import AppConfig


class ExportConfig(AppConfig):
    name = "speechdraft.export"
    label = "export"
    verbose_name = "导出"
