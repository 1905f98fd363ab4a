from django.urls import path

from auxpost.duty import views

app_name = "duty"

urlpatterns = [
    path("", views.home, name="home"),
    path("checkin/", views.checkin, name="checkin"),
    path("me/", views.my_marks, name="me"),
    path("rollcall/", views.rollcall, name="rollcall"),
    path("marks/", views.marks, name="marks"),
    path("marks/<int:pk>/", views.mark_detail, name="mark"),
    path("proxies/", views.proxies, name="proxies"),
    path("areas/", views.areas, name="areas"),
    path("areas/<int:pk>/", views.area, name="area"),
    path("rosters/", views.rosters, name="rosters"),
    path("rosters/new/", views.roster_new, name="roster_new"),
    path("rosters/<int:pk>/", views.roster, name="roster"),
]
