from django.apps import AppConfig


class UniformConfig(AppConfig):
    name = "auxpost.uniform"
    label = "uniform"
