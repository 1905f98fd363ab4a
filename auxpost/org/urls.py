from django.urls import path

from auxpost.org import views

app_name = "org"
urlpatterns = [
    path("units/", views.unit_list, name="units"),
    path("units/<int:pk>/quota/", views.unit_quota, name="unit_quota"),
]
