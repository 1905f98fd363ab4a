from rest_framework.routers import SimpleRouter

from auxpost.assessment.api import (
    AnnualResultViewSet,
    MonthlyScoreViewSet,
    SkillsRoundViewSet,
    SkillsScoreViewSet,
)

router = SimpleRouter()
router.register("assessment/monthly", MonthlyScoreViewSet, basename="assessment-monthly")
router.register("assessment/rounds", SkillsRoundViewSet, basename="assessment-round")
router.register("assessment/scores", SkillsScoreViewSet, basename="assessment-score")
router.register("assessment/annual", AnnualResultViewSet, basename="assessment-annual")
urlpatterns = router.urls
