from rest_framework.routers import SimpleRouter

from auxpost.policy.api import PolicyVersionViewSet

router = SimpleRouter()
router.register("policies", PolicyVersionViewSet, basename="policy-version")
urlpatterns = router.urls
