from django.apps import AppConfig


class LibraryConfig(AppConfig):
    name = "speechdraft.library"
    label = "library"
    verbose_name = "素材与语料"

    def ready(self):
        from django.conf import settings
        from django.db.models.signals import post_migrate

        from speechdraft.roles import grant_manager_permissions

        # After every app's migrate: the permissions of apps migrated after this one exist only then.
        post_migrate.connect(grant_manager_permissions, dispatch_uid="speechdraft-manager-permissions")

        from speechdraft.text import tokenizer

        # jieba's dictionary cache belongs in a directory the app owns, not in a shared /tmp.
        tokenizer.configure(settings.SPEECHDRAFT_CACHE_DIR)
