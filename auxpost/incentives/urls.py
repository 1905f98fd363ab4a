from django.urls import path

from auxpost.incentives import views

app_name = "incentives"

urlpatterns = [
    path("", views.paysheet, name="paysheet"),
    path("download/", views.paysheet_download, name="download"),
    path("me/", views.my_incentives, name="me"),
]
