from django.contrib import admin

from .models import Revision, Speech, SpeechSection, SpeechShare


class SpeechAccessAdminMixin:
    """Admin lists of speech content show only speeches the user may open in the app: a 管理员 with
    admin permissions on these models still does not read a drafter's unshared speech. Superusers own
    the server and see everything. ``speech_path`` is the lookup from the model to its Speech."""

    speech_path = "speech"

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        visible = Speech.objects.accessible_to(request.user).values("pk")
        return queryset.filter(**{f"{self.speech_path}__in" if self.speech_path else "pk__in": visible})


class SpeechSectionInline(admin.StackedInline):
    model = SpeechSection
    extra = 0
    raw_id_fields = ["source_block"]


class SpeechShareInline(admin.TabularInline):
    model = SpeechShare
    extra = 0


@admin.register(Speech)
class SpeechAdmin(SpeechAccessAdminMixin, admin.ModelAdmin):
    speech_path = ""
    list_display = ["title", "owner", "status", "version", "updated_at", "deleted_at"]
    list_filter = ["status"]
    search_fields = ["title", "speaker", "occasion"]
    inlines = [SpeechSectionInline, SpeechShareInline]


@admin.register(Revision)
class RevisionAdmin(SpeechAccessAdminMixin, admin.ModelAdmin):
    list_display = ["speech", "number", "name", "author", "created_at", "chars"]
    raw_id_fields = ["speech"]
    readonly_fields = ["snapshot"]

    # Revisions are written by saving a speech; one made by hand would be a forged history.
    def has_add_permission(self, request):
        return False
