from django.apps import AppConfig


class FilesConfig(AppConfig):
    name = "auxpost.files"
    label = "files"
