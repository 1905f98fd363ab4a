from django.apps import AppConfig


class PointsConfig(AppConfig):
    name = "auxpost.points"
    label = "points"
