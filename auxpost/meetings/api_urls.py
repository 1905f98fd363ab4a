"""§5.3.3 会议 meetings: schedule, attendees, sign-in, minutes, follow-ups."""
from rest_framework.routers import SimpleRouter

from auxpost.meetings.api import MeetingViewSet

router = SimpleRouter()
router.register("meetings", MeetingViewSet, basename="meeting")
urlpatterns = router.urls
