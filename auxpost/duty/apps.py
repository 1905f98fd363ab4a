from django.apps import AppConfig


class DutyConfig(AppConfig):
    name = "auxpost.duty"
    label = "duty"
