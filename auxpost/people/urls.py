from django.urls import path

from auxpost.people import views

app_name = "people"
urlpatterns = [
    path("", views.member_list, name="list"),
    path("new/", views.member_create_view, name="create"),
    path("me/", views.member_me, name="me"),
    path("export.xlsx", views.member_export, name="export"),
    path("<int:pk>/", views.member_detail, name="detail"),
    path("<int:pk>/edit/", views.member_edit, name="edit"),
]
