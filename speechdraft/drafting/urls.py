from django.urls import path

from . import views

app_name = "drafting"
urlpatterns = [
    path("", views.speech_list, name="list"),
    path("trash/", views.trash_list, name="trash"),
    path("new/", views.speech_new, name="new"),
    path("session/", views.session_status, name="session"),
    path("<int:pk>/", views.editor, name="editor"),
    path("<int:pk>/save/", views.speech_save_view, name="save"),
    path("<int:pk>/preview/", views.preview, name="preview"),
    path("<int:pk>/placeholders/", views.placeholders, name="placeholders"),
    path("<int:pk>/blocks/", views.block_panel, name="blocks"),
    path("<int:pk>/recommend/", views.recommend_panel, name="recommend"),
    path("<int:pk>/sections/new/", views.section_new, name="section_new"),
    path("<int:pk>/sections/<int:section_pk>/to-block/", views.section_to_block, name="section_to_block"),
    path("<int:pk>/history/", views.history, name="history"),
    path("<int:pk>/history/<int:number>/", views.revision_detail, name="revision"),
    path("<int:pk>/history/<int:number>/restore/", views.revision_restore_view, name="revision_restore"),
    path("<int:pk>/history/<int:number>/name/", views.revision_name, name="revision_name"),
    path("<int:pk>/duplicate/", views.speech_duplicate_view, name="duplicate"),
    path("<int:pk>/delete/", views.speech_delete, name="delete"),
    path("<int:pk>/untrash/", views.speech_untrash_view, name="untrash"),
    path("<int:pk>/share/", views.speech_share, name="share"),
    path("<int:pk>/share/<int:share_pk>/remove/", views.share_remove, name="share_remove"),
]
