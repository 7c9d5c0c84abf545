"""The two roles of the office: 起草人 (drafts speeches) and 管理员 (manages corpus, templates, blocks, users).

Roles are Django groups so that an administrator can assign them in the admin without code.
"""

from functools import wraps

from django.core.exceptions import PermissionDenied

MANAGER_GROUP = "管理员"
DRAFTER_GROUP = "起草人"


def is_manager(user) -> bool:
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    # The group list is cached on the user object for the request; templates ask several times.
    if not hasattr(user, "_speechdraft_groups"):
        user._speechdraft_groups = set(user.groups.values_list("name", flat=True))
    return MANAGER_GROUP in user._speechdraft_groups


def manager_required(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not is_manager(request.user):
            raise PermissionDenied("只有管理员可以执行此操作。")
        return view(request, *args, **kwargs)

    return wrapper


# What a 管理员 manages in the admin: the corpus, templates, blocks, 查重 settings, and the users.
MANAGER_APPS = ("library", "checks")
MANAGER_MODELS = (("auth", "user"), ("auth", "group"))


def grant_manager_permissions(**kwargs) -> None:
    """Give the 管理员 group every permission on what it manages (run after each migrate, when
    Django has created the permission rows)."""
    from django.contrib.auth.models import Group, Permission
    from django.db.models import Q

    group, _ = Group.objects.get_or_create(name=MANAGER_GROUP)
    Group.objects.get_or_create(name=DRAFTER_GROUP)
    wanted = Q(content_type__app_label__in=MANAGER_APPS)
    for app_label, model in MANAGER_MODELS:
        wanted |= Q(content_type__app_label=app_label, content_type__model=model)
    group.permissions.add(*Permission.objects.filter(wanted))
