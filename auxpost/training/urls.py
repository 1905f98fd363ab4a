from django.urls import path

from auxpost.training import views

app_name = "training"

urlpatterns = [
    path("", views.courses, name="courses"),
    path("courses/<int:pk>/", views.course, name="course"),
    path("sessions/", views.sessions, name="sessions"),
    path("sessions/<int:pk>/", views.session, name="session"),
    path("me/", views.my_training, name="me"),
    path("members/<int:pk>/", views.member, name="member"),
    path("members/<int:pk>/certificate/<str:action>/", views.certificate_action, name="certificate_action"),
    path("records/<int:pk>/reverse/", views.record_reverse_view, name="record_reverse"),
    path("shortfall/", views.shortfall, name="shortfall"),
    path("shortfall/download/", views.shortfall_download, name="shortfall_download"),
    path("certificates/", views.certificates, name="certificates"),
]
