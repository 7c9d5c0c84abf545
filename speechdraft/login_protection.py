"""django-axes in the office's language: the app and its lock records named in Chinese, and one admin
page where a 管理员 unlocks a colleague who mistyped their password too often.

django-axes ships no Chinese translation and its own admin (turned off: AXES_ENABLE_ADMIN = False) shows
request dumps nobody in the office needs.
"""

from axes.apps import AppConfig as AxesAppConfig


class LoginProtectionConfig(AxesAppConfig):
    verbose_name = "登录保护"

    def ready(self):
        super().ready()
        from axes import models  # noqa: PLC0415 — axes models exist only after the app registry is ready

        # Read by the admin and by roles.name_permissions_in_chinese; no migration involved.
        for model, name in (
            (models.AccessAttempt, "登录失败记录"),
            (models.AccessLog, "登录日志"),
            (models.AccessFailureLog, "登录失败日志"),
            (models.AccessAttemptExpiration, "锁定到期时间"),
        ):
            model._meta.verbose_name = model._meta.verbose_name_plural = name
        AccessAttempt = models.AccessAttempt
        AccessAttempt._meta.verbose_name_plural = "登录失败记录（删除即解锁）"
        for name, label in (
            ("username", "用户名"),
            ("ip_address", "IP 地址"),
            ("failures_since_start", "失败次数"),
            ("attempt_time", "最近一次"),
        ):
            AccessAttempt._meta.get_field(name).verbose_name = label
