from django.apps import AppConfig


class LeaveConfig(AppConfig):
    name = "auxpost.leave"
    label = "leave"
