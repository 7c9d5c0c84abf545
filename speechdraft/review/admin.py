from django.contrib import admin

from .models import Comment, Reply, ReviewState, StageChange


class ReplyInline(admin.TabularInline):
    model = Reply
    extra = 0


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ["speech", "anchor_text", "author", "created_at", "resolved_at"]
    list_filter = ["resolved_at"]
    raw_id_fields = ["speech"]
    inlines = [ReplyInline]


@admin.register(ReviewState)
class ReviewStateAdmin(admin.ModelAdmin):
    list_display = ["speech", "stage", "round", "updated_at"]
    list_filter = ["stage"]
    raw_id_fields = ["speech", "final_revision"]


@admin.register(StageChange)
class StageChangeAdmin(admin.ModelAdmin):
    list_display = ["speech", "from_stage", "to_stage", "user", "created_at"]
    raw_id_fields = ["speech"]
