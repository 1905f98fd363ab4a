from django.urls import path

from auxpost.core import views

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/counts.json", views.inbox_counts, name="inbox_counts"),
]
