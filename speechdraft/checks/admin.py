from django.contrib import admin

from .models import LintRule, SimilarityReport, SimilaritySettings


@admin.register(SimilaritySettings)
class SimilaritySettingsAdmin(admin.ModelAdmin):
    list_display = ["__str__", "min_span_chars", "count_quotes", "count_common", "common_doc_threshold"]

    def has_add_permission(self, request):
        return not SimilaritySettings.objects.exists()


@admin.register(SimilarityReport)
class SimilarityReportAdmin(admin.ModelAdmin):
    list_display = ["speech", "copy_ratio", "copy_ratio_excluding_quotes", "created_by", "created_at"]
    raw_id_fields = ["speech", "revision"]
    readonly_fields = ["result"]


@admin.register(LintRule)
class LintRuleAdmin(admin.ModelAdmin):
    list_display = ["pattern", "suggestion", "severity", "is_regex", "is_active"]
    list_editable = ["is_active"]
    list_filter = ["severity", "is_active"]
    search_fields = ["pattern", "message"]
