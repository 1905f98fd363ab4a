from django.urls import path
from rest_framework.routers import SimpleRouter

from auxpost.duty.api import DutyAreaViewSet, DutyCheckinView, DutyMarkViewSet, DutyRosterViewSet

router = SimpleRouter()
router.register("duty/areas", DutyAreaViewSet, basename="duty-area")
router.register("duty/rosters", DutyRosterViewSet, basename="duty-roster")
router.register("duty/marks", DutyMarkViewSet, basename="duty-mark")
urlpatterns = [
    path("duty/checkins/", DutyCheckinView.as_view(), name="duty-checkin"),
    *router.urls,
]
