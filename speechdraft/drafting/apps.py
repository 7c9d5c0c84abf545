from django.apps import AppConfig


class DraftingConfig(AppConfig):
    name = "speechdraft.drafting"
    label = "drafting"
    verbose_name = "讲话稿"
