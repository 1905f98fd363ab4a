from rest_framework.routers import SimpleRouter

from auxpost.recruitment.api import (
    RecruitmentApplicationViewSet,
    RecruitmentPlanViewSet,
    RecruitmentReviewViewSet,
)

router = SimpleRouter()
router.register("recruitment/plans", RecruitmentPlanViewSet, basename="recruitment-plan")
router.register("recruitment/applications", RecruitmentApplicationViewSet, basename="recruitment-application")
router.register("recruitment/probation-reviews", RecruitmentReviewViewSet, basename="recruitment-review")
urlpatterns = router.urls
