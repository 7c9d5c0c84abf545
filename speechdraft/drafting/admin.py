from django.contrib import admin

from .models import Revision, Speech, SpeechSection, SpeechShare


class SpeechSectionInline(admin.StackedInline):
    model = SpeechSection
    extra = 0
    raw_id_fields = ["source_block"]


class SpeechShareInline(admin.TabularInline):
    model = SpeechShare
    extra = 0


@admin.register(Speech)
class SpeechAdmin(admin.ModelAdmin):
    list_display = ["title", "owner", "status", "version", "updated_at", "deleted_at"]
    list_filter = ["status"]
    search_fields = ["title", "speaker", "occasion"]
    inlines = [SpeechSectionInline, SpeechShareInline]


@admin.register(Revision)
class RevisionAdmin(admin.ModelAdmin):
    list_display = ["speech", "number", "name", "author", "created_at", "chars"]
    raw_id_fields = ["speech"]
    readonly_fields = ["snapshot"]
