from django.urls import path

from auxpost.policy import views

app_name = "policy"
urlpatterns = [
    path("", views.version_list, name="list"),
    path("new/", views.version_new, name="new"),
    path("<str:version>/", views.version_detail, name="detail"),
    path("<str:version>/edit/", views.version_edit, name="edit"),
    path("<str:version>/publish/", views.version_publish, name="publish"),
]
