from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "auxpost.people"
    label = "people"
