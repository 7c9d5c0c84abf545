from django.urls import path

from . import views

app_name = "export"
urlpatterns = [
    path("speech/<int:speech_pk>/", views.export_page, name="page"),
    path("speech/<int:speech_pk>/speech.docx", views.export_docx, name="docx"),
    path("speech/<int:speech_pk>/preview/", views.preview_page, name="preview"),
    path("speech/<int:speech_pk>/preview.pdf", views.preview_pdf, name="preview_pdf"),
]
