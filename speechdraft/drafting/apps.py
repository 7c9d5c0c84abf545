from django.apps import AppConfig


class DraftingConfig(AppConfig):
    name = "speechdraft.drafting"
    label = "drafting"
    verbose_name = "讲话稿"

    def ready(self):
        # The session middleware's deploy check registers itself on import; `check --deploy` runs
        # before any middleware is loaded.
        from speechdraft import sessions  # noqa: F401, PLC0415
