"""§5.3.6 patrol logs and §5.3.2 交班 handover: ``/api/v1/patrol/...``."""
from rest_framework.routers import SimpleRouter

from auxpost.patrol.api import HandoverViewSet, PatrolLogViewSet

router = SimpleRouter()
router.register("patrol/logs", PatrolLogViewSet, basename="patrol-log")
router.register("patrol/handovers", HandoverViewSet, basename="patrol-handover")
urlpatterns = router.urls
