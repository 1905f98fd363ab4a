from django.urls import path

from auxpost.separation import views

app_name = "separation"

urlpatterns = [
    path("", views.cases, name="cases"),
    path("new/", views.case_new, name="new"),
    path("<int:pk>/", views.case_detail, name="case"),
    path("<int:pk>/notice.pdf", views.notice_pdf, name="notice_pdf"),
    path("mine/", views.mine, name="mine"),
    path("protections/", views.protections_index, name="protections_index"),
    path("protections/<int:pk>/", views.protections, name="protections"),
    path("retirements/", views.retirements, name="retirements"),
    path("pickup/", views.pickup, name="pickup"),
]
