from axes.models import AccessAttempt
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import Group, User
from django.db.models import Q

from speechdraft.roles import DRAFTER_GROUP, MANAGER_GROUP

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


# --- accounts ---------------------------------------------------------------------------------------
# Lives here because library is the app that owns the roles' setup (LibraryConfig.ready); the rules are
# in speechdraft/roles.py.

admin.site.unregister(User)


@admin.register(User)
class SpeechdraftUserAdmin(UserAdmin):
    """Users as the office sees them: login name, 姓名 and role.

    A 管理员 (staff, not superuser) manages drafters' accounts only: never superuser status, permissions
    or groups other than 起草人, and never the accounts of other administrators or superusers (changing
    their password would be taking them over).
    """

    list_display = ["username", "full_name", "role_names", "is_active", "last_login"]
    list_filter = ["groups", "is_active", "is_superuser"]
    search_fields = ["username", "first_name", "last_name", "email"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        ("个人信息", {"fields": ("first_name", "email")}),
        ("角色与权限", {"fields": ("is_active", "groups", "is_staff", "is_superuser", "user_permissions")}),
        ("重要日期", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {"classes": ("wide",), "fields": ("username", "first_name", "groups", "password1", "password2")},
        ),
    )
    readonly_fields = ["last_login", "date_joined"]

    @admin.display(description="姓名", ordering="first_name")
    def full_name(self, user):
        return user.get_full_name()

    @admin.display(description="角色")
    def role_names(self, user):
        names = [g.name for g in user.groups.all()]
        if user.is_superuser:
            names.insert(0, "超级管理员")
        return "、".join(names) or "未分配（请分配角色）"

    def get_queryset(self, request):
        queryset = super().get_queryset(request).prefetch_related("groups")
        if request.user.is_superuser:
            return queryset
        others = queryset.exclude(pk=request.user.pk)
        managed = others.filter(is_superuser=False, is_staff=False).exclude(groups__name=MANAGER_GROUP)
        return queryset.filter(Q(pk=request.user.pk) | Q(pk__in=managed.values("pk")))

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            fields += ["is_staff", "is_superuser", "user_permissions"]
            if obj is not None and obj.pk == request.user.pk:
                fields.append("groups")
        return fields

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "groups" and not request.user.is_superuser:
            kwargs["queryset"] = Group.objects.filter(name=DRAFTER_GROUP)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    # Deleting an account deletes its speeches; an administrator deactivates it instead.
    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "first_name" and field is not None:
            field.label = "姓名"
            field.help_text = "显示在共享、冲突提示和历史版本中，例如“王秘书”。"
        return field


@admin.register(AccessAttempt)
class AccessAttemptAdmin(admin.ModelAdmin):
    """Locked-out logins; deleting a row unlocks that account for that address."""

    list_display = ["username", "ip_address", "failures_since_start", "attempt_time"]
    search_fields = ["username", "ip_address"]
    fields = list_display
    readonly_fields = list_display

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
