from django.contrib import admin

from speechdraft.drafting.admin import SpeechAccessAdminMixin

from .forms import LintRuleAdminForm
from .models import LintRule, SimilarityReport, SimilaritySettings


@admin.register(SimilaritySettings)
class SimilaritySettingsAdmin(admin.ModelAdmin):
    list_display = ["__str__", "min_span_chars", "count_quotes", "count_common", "common_doc_threshold"]

    def has_add_permission(self, request):
        return not SimilaritySettings.objects.exists()


@admin.register(SimilarityReport)
class SimilarityReportAdmin(SpeechAccessAdminMixin, admin.ModelAdmin):
    list_display = ["speech", "copy_ratio", "copy_ratio_excluding_quotes", "created_by", "created_at"]
    raw_id_fields = ["speech", "revision"]
    readonly_fields = ["result"]

    # A report is what 查重 found in a saved revision; one made or edited by hand would be a forgery.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(LintRule)
class LintRuleAdmin(admin.ModelAdmin):
    form = LintRuleAdminForm
    list_display = ["pattern", "suggestion", "severity", "is_regex", "is_active"]
    list_editable = ["is_active"]
    list_filter = ["severity", "is_active"]
    search_fields = ["pattern", "message"]
