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
