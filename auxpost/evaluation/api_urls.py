from rest_framework.routers import SimpleRouter

from auxpost.evaluation.api import (
    EvaluationCandidateViewSet,
    EvaluationObjectionViewSet,
    EvaluationRoundViewSet,
    EvaluationSeparationProposalViewSet,
)

router = SimpleRouter()
router.register("evaluation/rounds", EvaluationRoundViewSet, basename="evaluation-round")
router.register("evaluation/candidates", EvaluationCandidateViewSet, basename="evaluation-candidate")
router.register("evaluation/objections", EvaluationObjectionViewSet, basename="evaluation-objection")
router.register("evaluation/separation-proposals", EvaluationSeparationProposalViewSet,
                basename="evaluation-separation-proposal")
urlpatterns = router.urls
