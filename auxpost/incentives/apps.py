from django.apps import AppConfig


class IncentivesConfig(AppConfig):
    name = "auxpost.incentives"
    label = "incentives"
