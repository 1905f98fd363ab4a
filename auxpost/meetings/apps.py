from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "auxpost.meetings"
    label = "meetings"
