from django.urls import path
from rest_framework.routers import SimpleRouter

from auxpost.duties.api import (
    DutyViewSet,
    LedgerExportView,
    PostIndicatorViewSet,
    WorkItemViewSet,
    WorkLineViewSet,
)

router = SimpleRouter()
router.register("duties/lines", WorkLineViewSet, basename="duties-line")
router.register("duties/duties", DutyViewSet, basename="duties-duty")
router.register("duties/items", WorkItemViewSet, basename="duties-item")
router.register("duties/indicators", PostIndicatorViewSet, basename="duties-indicator")
urlpatterns = [
    path("duties/export/", LedgerExportView.as_view(), name="duties-export"),
    *router.urls,
]
