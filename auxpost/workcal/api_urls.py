from django.urls import path
from rest_framework.routers import SimpleRouter

from auxpost.workcal.api import (
    AddWorkingDaysView,
    CalendarYearViewSet,
    IsWorkingDayView,
    WorkingDaysBetweenView,
)

router = SimpleRouter()
router.register("calendar/years", CalendarYearViewSet, basename="calendar-year")
urlpatterns = router.urls + [
    path("calendar/add-working-days", AddWorkingDaysView.as_view(), name="calendar-add-working-days"),
    path("calendar/working-days", WorkingDaysBetweenView.as_view(), name="calendar-working-days"),
    path("calendar/is-working-day", IsWorkingDayView.as_view(), name="calendar-is-working-day"),
]
