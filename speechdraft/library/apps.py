from django.apps import AppConfig


class LibraryConfig(AppConfig):
    name = "speechdraft.library"
    label = "library"
