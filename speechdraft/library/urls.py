from django.urls import path

from . import views

app_name = "library"
urlpatterns = [
    path("corpus/", views.document_list, name="documents"),
    path("corpus/<int:pk>/", views.document_detail, name="document"),
    path("corpus/import/", views.corpus_import, name="import"),
    path("templates/", views.template_list, name="templates"),
    path("templates/<int:pk>/", views.template_detail, name="template"),
    path("templates/<int:pk>/edit/", views.template_edit, name="template_edit"),
    path("templates/<int:pk>/facts/", views.template_facts_to_placeholders, name="template_facts"),
    path("corpus/<int:pk>/template/", views.template_from_document, name="template_from_document"),
    path("blocks/", views.block_list, name="blocks"),
    path("blocks/new/", views.block_edit, name="block_new"),
    path("blocks/<int:pk>/", views.block_detail, name="block"),
    path("blocks/<int:pk>/edit/", views.block_edit, name="block_edit"),
    path("blocks/<int:pk>/delete/", views.block_delete, name="block_delete"),
]
