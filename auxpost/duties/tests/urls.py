"""The project's URLs plus the duties app's, for the tests until the project includes them at ``/duties/``
and ``/api/v1/`` (then this only repeats them)."""

from django.urls import include, path

from auxpost.urls import handler403, handler404  # noqa: F401
from auxpost.urls import urlpatterns as project

urlpatterns = [
    *project,
    path("duties/", include("auxpost.duties.urls")),
    path("api/v1/", include("auxpost.duties.api_urls")),
]
