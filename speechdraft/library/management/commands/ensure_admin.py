import os
import secrets
import socket

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand

from speechdraft.roles import MANAGER_GROUP


def login_address() -> str:
    """The login page where the server will actually answer: HOST and PORT are what `make run` passes to
    gunicorn; with HTTPS=1 the reverse proxy answers on the first ALLOWED_HOSTS name."""

    if settings.HTTPS:
        return f"https://{settings.ALLOWED_HOSTS[0]}/accounts/login/"
    host = os.environ.get("HOST", "127.0.0.1")
    port = os.environ.get("PORT", "8000")
    if host in ("0.0.0.0", "::", "[::]", ""):
        # Listening on every interface: colleagues reach it by the machine's name.
        host = socket.getfqdn()
    elif ":" in host and not host.startswith("["):
        host = f"[{host}]"
    return f"http://{host}:{port}/accounts/login/"


class Command(BaseCommand):
    help = "没有任何管理员时，创建第一个管理员账号并打印登录信息（仅打印一次）。"

    def add_arguments(self, parser):
        parser.add_argument("--username", default="admin")

    def handle(self, *args, username, **options):
        User = get_user_model()
        group, _ = Group.objects.get_or_create(name=MANAGER_GROUP)
        if User.objects.filter(is_superuser=True).exists() or group.user_set.exists():
            return
        # Readable yet strong enough for a first login that the administrator changes afterwards.
        password = "-".join(secrets.token_urlsafe(6) for _ in range(3))
        user = User.objects.create_superuser(username=username, password=password, first_name="管理员")
        user.groups.add(group)
        self.stdout.write("=" * 60)
        self.stdout.write("已创建第一个管理员账号（只显示这一次，请登录后修改密码）：")
        self.stdout.write(f"  地址：{login_address()}")
        self.stdout.write(f"  用户名：{username}")
        self.stdout.write(f"  密码：{password}")
        self.stdout.write("=" * 60)
