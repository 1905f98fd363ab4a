"""§11 The grade evaluation's printable documents (included by ``evaluation/urls.py``)."""

from django.urls import path

from auxpost.evaluation import document_views

urlpatterns = [
    path("<int:pk>/notice.pdf", document_views.notice_pdf, name="notice_pdf"),
    path("<int:pk>/approval-forms.pdf", document_views.round_approval_forms_pdf, name="approval_forms_pdf"),
    path("candidates/<int:pk>/approval-form.pdf", document_views.approval_form_pdf, name="approval_form_pdf"),
]
