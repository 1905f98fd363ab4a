from django.urls import path

from auxpost.imports import views

app_name = "imports"
urlpatterns = [
    path("", views.upload, name="upload"),
    path("<slug:kind>/template.xlsx", views.template, name="template"),
    path("jobs/<int:pk>/", views.job, name="job"),
    path("jobs/<int:pk>/progress/", views.job_progress, name="job_progress"),
    path("jobs/<int:pk>/errors.xlsx", views.job_errors, name="job_errors"),
]
