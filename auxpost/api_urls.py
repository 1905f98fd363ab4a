"""REST API v1 (SPEC §12). Each app contributes its routes; scoping is done in its selectors."""

from django.urls import include, path

urlpatterns = [
    path("", include("auxpost.accounts.api_urls")),
    path("", include("auxpost.org.api_urls")),
    path("", include("auxpost.people.api_urls")),
    path("", include("auxpost.policy.api_urls")),
    path("", include("auxpost.points.api_urls")),
    path("", include("auxpost.assessment.api_urls")),
    path("", include("auxpost.grading.api_urls")),
    path("", include("auxpost.workcal.api_urls")),
    path("", include("auxpost.evaluation.api_urls")),
    path("", include("auxpost.incentives.api_urls")),
    path("", include("auxpost.recruitment.api_urls")),
    path("", include("auxpost.training.api_urls")),
    path("", include("auxpost.separation.api_urls")),
    path("", include("auxpost.duties.api_urls")),
    path("", include("auxpost.files.api_urls")),
    path("", include("auxpost.duty.api_urls")),
    path("", include("auxpost.patrol.api_urls")),
    path("", include("auxpost.leave.api_urls")),
    path("", include("auxpost.meetings.api_urls")),
    path("", include("auxpost.uniform.api_urls")),
]
