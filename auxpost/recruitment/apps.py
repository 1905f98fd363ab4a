from django.apps import AppConfig


class RecruitmentConfig(AppConfig):
    name = "auxpost.recruitment"
    label = "recruitment"
