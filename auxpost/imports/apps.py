from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "auxpost.imports"
    label = "imports"
