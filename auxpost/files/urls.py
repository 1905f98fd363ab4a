from django.urls import path

from auxpost.files import views

app_name = "files"
urlpatterns = [
    path("<int:pk>/", views.attachment, name="attachment"),
    path("<int:pk>/thumb/", views.thumb, name="thumb"),
]
