from django.apps import AppConfig


class DutiesConfig(AppConfig):
    name = "auxpost.duties"
    label = "duties"
