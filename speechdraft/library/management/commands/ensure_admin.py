import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand

from speechdraft.roles import MANAGER_GROUP


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
        self.stdout.write("  地址：http://127.0.0.1:8000/accounts/login/")
        self.stdout.write(f"  用户名：{username}")
        self.stdout.write(f"  密码：{password}")
        self.stdout.write("=" * 60)
