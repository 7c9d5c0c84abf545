from django.apps import AppConfig


class ReviewConfig(AppConfig):
    name = "speechdraft.review"
    label = "review"
    verbose_name = "审阅"
