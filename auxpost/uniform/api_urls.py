"""§5.3.5 着装 uniform inspections."""
from django.urls import path
from rest_framework.routers import SimpleRouter

from auxpost.uniform.api import UniformInspectionViewSet, UniformStatsView

router = SimpleRouter()
router.register("uniform/inspections", UniformInspectionViewSet, basename="uniform-inspection")
urlpatterns = [path("uniform/stats/", UniformStatsView.as_view(), name="uniform-stats"), *router.urls]
