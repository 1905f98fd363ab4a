from django.apps import AppConfig


class PatrolConfig(AppConfig):
    name = "auxpost.patrol"
    label = "patrol"
