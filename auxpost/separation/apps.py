from django.apps import AppConfig


class SeparationConfig(AppConfig):
    name = "auxpost.separation"
    label = "separation"
