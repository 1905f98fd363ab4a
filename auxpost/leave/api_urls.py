from django.urls import path

from auxpost.leave import api

urlpatterns = [
    path("leave/requests/", api.LeaveRequestListView.as_view(), name="leave-requests"),
    path("leave/requests/<int:pk>/", api.LeaveRequestDetailView.as_view(), name="leave-request"),
    path("leave/requests/<int:pk>/approve/", api.ApproveView.as_view(), name="leave-approve"),
    path("leave/requests/<int:pk>/reject/", api.RejectView.as_view(), name="leave-reject"),
    path("leave/requests/<int:pk>/cancel/", api.CancelView.as_view(), name="leave-cancel"),
    path("leave/requests/<int:pk>/report-back/", api.ReportBackView.as_view(), name="leave-report-back"),
    path("leave/queue/", api.QueueView.as_view(), name="leave-queue"),
    path("leave/quote/", api.QuoteView.as_view(), name="leave-quote"),
    path("leave/on-leave/", api.OnLeaveView.as_view(), name="leave-on-leave"),
]
