from django.apps import AppConfig


class GradingConfig(AppConfig):
    name = "auxpost.grading"
    label = "grading"
