from django.urls import path

from auxpost.duties import views

app_name = "duties"
urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    path("export.xlsx", views.export, name="export"),
    path("new/", views.duty_edit, name="duty_new"),
    path("<int:pk>/edit/", views.duty_edit, name="duty_edit"),
    path("items/new/", views.item_edit, name="item_new"),
    path("items/<int:pk>/edit/", views.item_edit, name="item_edit"),
]
