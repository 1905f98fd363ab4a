from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "auxpost.accounts"
    label = "accounts"
