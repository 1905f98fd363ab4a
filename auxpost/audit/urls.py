from django.urls import path

from auxpost.audit import views

app_name = "audit"
urlpatterns = [
    path("", views.audit_list, name="list"),
    path("verify/", views.audit_verify_view, name="verify"),
]
