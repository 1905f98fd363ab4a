from django.urls import path

from auxpost.points import views

app_name = "points"

urlpatterns = [
    path("", views.ledger, name="ledger"),
    path("me/", views.points_mine, name="mine"),
    path("new/", views.entry_new, name="new"),
    path("approvals/", views.approvals, name="approvals"),
    path("appeals/", views.appeals, name="appeals"),
    path("settle/", views.settle, name="settle"),
    path("entries/<int:pk>/appeal/", views.appeal_create, name="appeal"),
    path("entries/<int:pk>/approve/", views.entry_approve, name="approve"),
    path("entries/<int:pk>/reject/", views.entry_reject, name="reject"),
    path("appeals/<int:pk>/decide/", views.appeal_decide, name="decide"),
]
