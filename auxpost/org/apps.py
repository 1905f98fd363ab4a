from django.apps import AppConfig


class OrgConfig(AppConfig):
    name = "auxpost.org"
    label = "org"
