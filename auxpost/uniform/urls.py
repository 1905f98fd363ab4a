from django.urls import path

from auxpost.uniform import views

app_name = "uniform"

urlpatterns = [
    path("", views.inspection_list, name="list"),
    path("new/", views.inspection_new, name="new"),
    path("me/", views.my_inspections, name="me"),
    path("<int:pk>/", views.inspection_detail, name="detail"),
]
