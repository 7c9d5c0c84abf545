"""The roles of the office: 起草人 (drafts speeches) and 管理员 (manages corpus, templates, blocks, 查重
settings and drafters' accounts). Superusers alone manage roles, permissions and superuser status.

Roles are Django groups so that an administrator can assign them in the admin without code. Sharing a
speech (可查看 / 可编辑) is per speech, not a role: see ``drafting.models.SpeechShare``.
"""

from functools import wraps

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation

MANAGER_GROUP = "管理员"
DRAFTER_GROUP = "起草人"
ROLE_GROUPS = (MANAGER_GROUP, DRAFTER_GROUP)


def _group_names(user) -> set[str]:
    # Cached on the user object for the request; templates and middleware ask several times.
    if not hasattr(user, "_speechdraft_groups"):
        user._speechdraft_groups = set(user.groups.values_list("name", flat=True))
    return user._speechdraft_groups


def is_manager(user) -> bool:
    if not user.is_authenticated:
        return False
    return user.is_superuser or MANAGER_GROUP in _group_names(user)


def has_role(user) -> bool:
    """Whether the user was given a role; an account without one may log in and nothing else."""
    if not user.is_authenticated:
        return False
    return user.is_superuser or bool(_group_names(user) & set(ROLE_GROUPS))


def manager_required(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not is_manager(request.user):
            raise PermissionDenied("只有管理员可以执行此操作。")
        return view(request, *args, **kwargs)

    return wrapper


class RoleRequiredMiddleware:
    """An account in no role group sees one page saying whom to ask, for every URL but logging out.

    A new account is created in the admin first and given its role afterwards; until then it must not
    have a drafter's rights by default.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not has_role(user):
            allowed = {reverse("logout"), reverse("login")}
            if request.path not in allowed:
                return render(request, "registration/no_role.html", status=403)
        return self.get_response(request)


# What a 管理员 manages in the admin: the corpus, templates, blocks, 查重 settings and lint rules, and
# drafters' accounts. Not groups or permissions (that would let them grant themselves anything), and
# not 查重报告, which hold the full text of other people's speeches.
MANAGER_APPS = ("library", "checks")
MANAGER_EXCLUDED_MODELS = (("checks", "similarityreport"),)
# The lock-out records too, so that a 管理员 can unlock a colleague (delete the record).
MANAGER_MODELS = (("auth", "user"), ("axes", "accessattempt"))
_ACTIONS = {"add": "添加", "change": "修改", "delete": "删除", "view": "查看"}


def grant_manager_permissions(**kwargs) -> None:
    """Give the 管理员 group exactly the permissions on what it manages (run after each migrate, when
    Django has created the permission rows), and name every permission in Chinese for the admin."""

    group, _ = Group.objects.get_or_create(name=MANAGER_GROUP)
    Group.objects.get_or_create(name=DRAFTER_GROUP)
    wanted = Q(content_type__app_label__in=MANAGER_APPS)
    for app_label, model in MANAGER_MODELS:
        wanted |= Q(content_type__app_label=app_label, content_type__model=model)
    for app_label, model in MANAGER_EXCLUDED_MODELS:
        wanted &= ~Q(content_type__app_label=app_label, content_type__model=model)
    # set(), not add(): an upgrade takes back what earlier versions granted (groups, 查重报告).
    group.permissions.set(Permission.objects.filter(wanted))
    name_permissions_in_chinese()


def name_permissions_in_chinese() -> None:
    """Django stores built-in permission names as "Can add 讲话稿"; the admin shows them as stored."""

    with translation.override("zh-hans"):
        for permission in Permission.objects.select_related("content_type"):
            action, _, _ = permission.codename.partition("_")
            model = permission.content_type.model_class()
            if action not in _ACTIONS or model is None:
                continue
            name = f"可以{_ACTIONS[action]}{model._meta.verbose_name}"[:255]
            if permission.name != name:
                permission.name = name
                permission.save(update_fields=["name"])


def locked_out(request, original_response=None, credentials=None):
    """django-axes' lock-out answer: a Chinese page naming how long to wait and whom to ask."""
    context = {
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "minutes": max(1, int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)),
    }
    return render(request, "registration/locked_out.html", context, status=429)
