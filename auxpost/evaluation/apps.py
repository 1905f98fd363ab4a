from django.apps import AppConfig


class EvaluationConfig(AppConfig):
    name = "auxpost.evaluation"
    label = "evaluation"
