from rest_framework.routers import SimpleRouter

from auxpost.people.api import MemberViewSet

router = SimpleRouter()
router.register("members", MemberViewSet, basename="member")
urlpatterns = router.urls
