from django.urls import path

from auxpost.recruitment import views

app_name = "recruitment"

urlpatterns = [
    path("", views.plans, name="plans"),
    path("new/", views.plan_new, name="plan_new"),
    path("<int:pk>/", views.plan_detail, name="plan"),
    path("<int:pk>/edit/", views.plan_edit, name="plan_edit"),
    path("<int:pk>/apply/", views.application_new, name="application_new"),
    path("<int:pk>/template.xlsx", views.import_template, name="import_template"),
    path("<int:pk>/scores-template.xlsx", views.import_template, {"kind": "scores"}, name="scores_template"),
    path("<int:pk>/import-errors.xlsx", views.import_errors, name="import_errors"),
    path("applications/<int:pk>/", views.application_detail, name="application"),
    path("probation/", views.reviews, name="reviews"),
]
