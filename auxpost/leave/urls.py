from django.urls import path

from auxpost.leave import views

app_name = "leave"
urlpatterns = [
    path("", views.mine, name="mine"),
    path("new/", views.new, name="new"),
    path("quote/", views.quote, name="quote"),
    path("queue/", views.queue, name="queue"),
    path("unit/", views.unit, name="unit"),
    path("overdue/", views.overdue, name="overdue"),
    path("hr/", views.hr, name="hr"),
    path("deputy/", views.deputy, name="deputy"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/decide/", views.decide, name="decide"),
    path("<int:pk>/cancel/", views.cancel, name="cancel"),
    path("<int:pk>/report-back/", views.report_back, name="report_back"),
    path("<int:pk>/submit/", views.submit, name="submit"),
]
