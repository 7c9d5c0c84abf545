from django.contrib import admin

from .models import Block, Category, CorpusDocument, SpeechTemplate, Tag, TemplateSlot


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "order"]
    list_editable = ["order"]


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    search_fields = ["name"]


@admin.register(CorpusDocument)
class CorpusDocumentAdmin(admin.ModelAdmin):
    list_display = ["title", "chars", "encoding", "is_reference", "is_boilerplate", "imported_at"]
    list_editable = ["is_reference", "is_boilerplate"]
    list_filter = ["is_reference", "is_boilerplate"]
    search_fields = ["title", "source_filename"]
    readonly_fields = [
        "sha256",
        "chars",
        "encoding",
        "removed_lines",
        "segments",
        "imported_by",
        "imported_at",
    ]
    # No index bookkeeping here: every save and delete is journalled by the model (CorpusJournal), and
    # the 查重 index follows the journal.


class TemplateSlotInline(admin.TabularInline):
    model = TemplateSlot
    extra = 0
    autocomplete_fields = ["suggested_block"]


@admin.register(SpeechTemplate)
class SpeechTemplateAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "is_active", "version", "updated_at"]
    list_filter = ["is_active"]
    inlines = [TemplateSlotInline]


@admin.register(Block)
class BlockAdmin(admin.ModelAdmin):
    list_display = ["title", "role", "category", "usage_count", "source_document"]
    list_filter = ["role", "category", "tags"]
    search_fields = ["title", "body"]
    filter_horizontal = ["tags"]
    raw_id_fields = ["source_document"]
