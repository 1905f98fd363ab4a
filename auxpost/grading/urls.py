from django.urls import path

from auxpost.grading import views

app_name = "grading"

urlpatterns = [
    path("outcomes/", views.outcomes, name="outcomes"),
    path("me/", views.path, name="path"),
    path("members/<int:member_id>/records/", views.records, name="records"),
]
