from django.urls import path

from auxpost.workcal import views

app_name = "workcal"

urlpatterns = [
    path("", views.years, name="years"),
    path("new/", views.year_new, name="new"),
    path("<int:year>/", views.year_detail, name="year"),
    path("<int:year>/edit/", views.year_edit, name="edit"),
]
