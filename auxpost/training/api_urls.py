from django.urls import path
from rest_framework.routers import SimpleRouter

from auxpost.training.api import (
    ExpiringView,
    ShortfallView,
    TrainingCertificateViewSet,
    TrainingCourseViewSet,
    TrainingRecordViewSet,
    TrainingSessionViewSet,
)

router = SimpleRouter()
router.register("training/courses", TrainingCourseViewSet, basename="training-course")
router.register("training/sessions", TrainingSessionViewSet, basename="training-session")
router.register("training/records", TrainingRecordViewSet, basename="training-record")
router.register("training/certificates", TrainingCertificateViewSet, basename="training-certificate")
urlpatterns = [
    path("training/shortfall/", ShortfallView.as_view(), name="training-shortfall"),
    path("training/expiring/", ExpiringView.as_view(), name="training-expiring"),
    *router.urls,
]
