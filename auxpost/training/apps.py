from django.apps import AppConfig


class TrainingConfig(AppConfig):
    name = "auxpost.training"
    label = "training"
