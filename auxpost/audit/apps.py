from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "auxpost.audit"
    label = "audit"
