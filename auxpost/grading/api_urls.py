from rest_framework.routers import SimpleRouter

from auxpost.grading.api import BasicRecordViewSet, OutcomeViewSet

router = SimpleRouter()
router.register("grading/records", BasicRecordViewSet, basename="grading-record")
router.register("grading/outcomes", OutcomeViewSet, basename="grading-outcome")
urlpatterns = router.urls
