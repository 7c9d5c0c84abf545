from django.apps import AppConfig


class LibraryConfig(AppConfig):
    name = "speechdraft.library"
    label = "library"
    verbose_name = "素材与语料"

    def ready(self):
        from django.conf import settings  # noqa: PLC0415 — app ready(): settings and signals after the registry
        from django.db.models.signals import post_migrate  # noqa: PLC0415 — app ready()

        from speechdraft.roles import grant_manager_permissions  # noqa: PLC0415 — needs auth models: ready() only

        # After every app's migrate: the permissions of apps migrated after this one exist only then.
        post_migrate.connect(grant_manager_permissions, dispatch_uid="speechdraft-manager-permissions")

        from speechdraft.text import tokenizer  # noqa: PLC0415 — jieba loads once the app is ready

        # jieba's dictionary cache belongs in a directory the app owns, not in a shared /tmp.
        tokenizer.configure(settings.SPEECHDRAFT_CACHE_DIR)
