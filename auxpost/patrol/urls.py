"""§5.3.6 patrol logs, §5.3.2 交班 handover, a team's day."""
from django.urls import path

from auxpost.patrol import views

app_name = "patrol"
urlpatterns = [
    path("", views.logs, name="logs"),
    path("new/", views.log_new, name="log_new"),
    path("logs/<int:pk>/", views.log, name="log"),
    path("handovers/", views.handovers, name="handovers"),
    path("handovers/new/", views.handover_new, name="handover_new"),
    path("handovers/<int:pk>/", views.handover, name="handover"),
    path("team/", views.team_today, name="team_today"),
    path("team/go/", views.team_pick, name="team_pick"),
    path("team/<int:unit_id>/<str:day>/", views.team_day, name="team_day"),
]
