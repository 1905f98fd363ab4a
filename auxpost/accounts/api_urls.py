from django.urls import path

from auxpost.accounts.api import TokenObtainView

urlpatterns = [
    path("auth/token/", TokenObtainView.as_view(), name="api-token"),
]
