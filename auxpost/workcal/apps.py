from django.apps import AppConfig


class WorkcalConfig(AppConfig):
    name = "auxpost.workcal"
    label = "workcal"
