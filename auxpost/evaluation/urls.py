from django.urls import include, path

app_name = "evaluation"

urlpatterns = [
    # Printable documents (§11): the 公示 notice and the 职级评定审批表, in their own module.
    path("", include("auxpost.evaluation.document_urls")),
]
