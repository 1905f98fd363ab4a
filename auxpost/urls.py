from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

urlpatterns = [
    path("", include("auxpost.core.urls")),
    path("accounts/", include("auxpost.accounts.urls")),
    path("org/", include("auxpost.org.urls")),
    path("people/", include("auxpost.people.urls")),
    path("imports/", include("auxpost.imports.urls")),
    path("policy/", include("auxpost.policy.urls")),
    path("points/", include("auxpost.points.urls")),
    path("assessment/", include("auxpost.assessment.urls")),
    path("grading/", include("auxpost.grading.urls")),
    path("calendar/", include("auxpost.workcal.urls")),
    path("evaluation/", include("auxpost.evaluation.urls")),
    path("incentives/", include("auxpost.incentives.urls")),
    path("recruitment/", include("auxpost.recruitment.urls")),
    path("training/", include("auxpost.training.urls")),
    path("separation/", include("auxpost.separation.urls")),
    path("duties/", include("auxpost.duties.urls")),
    path("files/", include("auxpost.files.urls")),
    path("duty/", include("auxpost.duty.urls")),
    path("patrol/", include("auxpost.patrol.urls")),
    path("leave/", include("auxpost.leave.urls")),
    path("meetings/", include("auxpost.meetings.urls")),
    path("uniform/", include("auxpost.uniform.urls")),
    path("audit/", include("auxpost.audit.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", include("auxpost.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
]

handler404 = "auxpost.core.views.not_found"
handler403 = "auxpost.core.views.forbidden"
