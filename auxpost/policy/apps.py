from django.apps import AppConfig


class PolicyConfig(AppConfig):
    name = "auxpost.policy"
    label = "policy"
