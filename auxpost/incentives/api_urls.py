from django.urls import path

from auxpost.incentives.api import PaySheetView

urlpatterns = [
    path("incentives/paysheet", PaySheetView.as_view(), name="incentives-paysheet"),
]
