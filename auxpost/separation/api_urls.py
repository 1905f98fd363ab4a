from rest_framework.routers import SimpleRouter

from auxpost.separation.api import (
    SeparationCaseViewSet,
    SeparationGroundViewSet,
    SeparationPickupViewSet,
    SeparationProtectionViewSet,
    SeparationRetirementViewSet,
)

router = SimpleRouter()
router.register("separation/grounds", SeparationGroundViewSet, basename="separation-ground")
router.register("separation/cases", SeparationCaseViewSet, basename="separation-case")
router.register("separation/protections", SeparationProtectionViewSet, basename="separation-protection")
router.register("separation/pickup", SeparationPickupViewSet, basename="separation-pickup")
router.register("separation/retirements", SeparationRetirementViewSet, basename="separation-retirement")
urlpatterns = router.urls
