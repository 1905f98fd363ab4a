from django.urls import path, re_path

from auxpost.assessment import document_views, views

app_name = "assessment"

urlpatterns = [
    path("monthly/", views.monthly, name="monthly"),
    re_path(r"^monthly/(?P<member_id>[0-9]+)/(?P<ym>[0-9]{4}-[0-9]{2})/$", views.scorecard, name="scorecard"),
    path("me/", views.mine, name="mine"),
    path("rounds/", views.rounds, name="rounds"),
    path("rounds/new/", views.round_new, name="round_new"),
    path("rounds/<int:pk>/", views.round_detail, name="round"),
    path("annual/", views.annual_index, name="annual_index"),
    path("annual/<int:year>/", views.annual, name="annual"),
    # §11 the printable 年度考核登记表 of one member and year.
    path("annual/<int:year>/<int:member_id>/form.pdf", document_views.annual_form_pdf, name="annual_form_pdf"),
]
