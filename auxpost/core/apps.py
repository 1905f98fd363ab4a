from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "auxpost.core"
    label = "core"
