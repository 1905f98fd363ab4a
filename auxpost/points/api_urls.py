from django.urls import path
from rest_framework.routers import SimpleRouter

from auxpost.points.api import AppealViewSet, EntryViewSet, balance

router = SimpleRouter()
router.register("points/entries", EntryViewSet, basename="points-entry")
router.register("points/appeals", AppealViewSet, basename="points-appeal")
urlpatterns = [path("points/balance/", balance, name="points-balance"), *router.urls]
