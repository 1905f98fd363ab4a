from django.apps import AppConfig


class AssessmentConfig(AppConfig):
    name = "auxpost.assessment"
    label = "assessment"
