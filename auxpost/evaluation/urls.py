from django.urls import include, path

from auxpost.evaluation import views

app_name = "evaluation"

urlpatterns = [
    path("", views.rounds, name="rounds"),
    path("me/", views.mine, name="mine"),
    path("separations/", views.separations, name="separations"),
    path("<int:pk>/", views.round_detail, name="round"),
    path("<int:pk>/notice/", views.notice, name="notice"),
    path("<int:pk>/objections/", views.objections, name="objections"),
    path("candidates/<int:pk>/", views.candidate_detail, name="candidate"),
    # Printable documents (§11): the 公示 notice and the 职级评定审批表, in their own module.
    path("", include("auxpost.evaluation.document_urls")),
]
