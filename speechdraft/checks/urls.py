from django.urls import path

from . import views

app_name = "checks"
urlpatterns = [
    path("speech/<int:speech_pk>/", views.latest_report, name="latest"),
    path("speech/<int:speech_pk>/run/", views.run_check, name="run"),
    path("speech/<int:speech_pk>/marks/", views.report_marks, name="marks"),
    path("speech/<int:speech_pk>/lint/", views.lint_page, name="lint"),
    path("speech/<int:speech_pk>/lint/fix/", views.lint_fix, name="lint_fix"),
    path("report/<int:pk>/", views.report_detail, name="report"),
    path("report/<int:pk>/report.docx", views.report_download, name="report_docx"),
]
