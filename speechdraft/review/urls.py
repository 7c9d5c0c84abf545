from django.urls import path

from . import views

app_name = "review"
urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("speech/<int:speech_pk>/send/", views.send, name="send"),
    path("speech/<int:speech_pk>/decide/", views.decide, name="decide"),
    path("speech/<int:speech_pk>/finalize/", views.finalize, name="finalize"),
    path("speech/<int:speech_pk>/comments/", views.comment_add, name="comment_add"),
    path("speech/<int:speech_pk>/panel/", views.panel, name="panel"),
    path("comment/<int:pk>/reply/", views.comment_reply, name="comment_reply"),
    path("comment/<int:pk>/resolve/", views.comment_resolve, name="comment_resolve"),
    path("speech/<int:speech_pk>/import/", views.import_review, name="import"),
]
