from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from speechdraft.library.models import Block, Role, SpeechTemplate


class SpeechQuerySet(models.QuerySet):
    def alive(self):
        return self.filter(deleted_at__isnull=True)

    def in_trash(self):
        return self.filter(deleted_at__isnull=False)

    def visible_to(self, user):
        """Speeches a user may open: their own and those shared with them."""
        return self.filter(Q(owner=user) | Q(shares__user=user)).distinct()

    def editable_by(self, user):
        return self.filter(Q(owner=user) | Q(shares__user=user, shares__can_edit=True)).distinct()


class Speech(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "起草中"
        REVIEW = "review", "送审稿"
        FINAL = "final", "定稿"

    title = models.CharField("标题", max_length=200)
    occasion = models.CharField("会议名称", max_length=200, blank=True)
    speaker = models.CharField("讲话人", max_length=80, blank=True)
    date = models.DateField("日期", null=True, blank=True)
    place = models.CharField("地点", max_length=120, blank=True)
    template = models.ForeignKey(SpeechTemplate, models.SET_NULL, null=True, blank=True, verbose_name="模板")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="speeches", verbose_name="起草人"
    )
    numbering = models.CharField(
        "部分编号", max_length=4, choices=SpeechTemplate.Numbering.choices, default=SpeechTemplate.Numbering.YI
    )
    run_in_headings = models.BooleanField("标题与正文同段", default=True)
    placeholder_values = models.JSONField("占位符取值", default=dict, blank=True)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.DRAFT)
    # Optimistic locking: every save must name the version it was editing; a stale version is refused.
    version = models.PositiveIntegerField("版本号", default=1)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("最后修改", default=timezone.now)
    deleted_at = models.DateTimeField("删除时间", null=True, blank=True)

    objects = SpeechQuerySet.as_manager()

    class Meta:
        ordering = ["-updated_at", "-id"]
        verbose_name = verbose_name_plural = "讲话稿"
        indexes = [
            # 我的讲话稿 lists a user's live speeches by last change.
            models.Index(fields=["owner", "deleted_at", "-updated_at"], name="speech_owner_recent"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(version__gte=1), name="speech_version_positive"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("drafting:editor", args=[self.pk])


class SpeechSection(models.Model):
    speech = models.ForeignKey(Speech, models.CASCADE, related_name="sections", verbose_name="讲话稿")
    order = models.PositiveIntegerField("顺序")
    role = models.CharField("位置", max_length=12, choices=Role.choices, default=Role.PART)
    heading = models.CharField("标题", max_length=300, blank=True)
    body = models.TextField("正文", blank=True)
    guidance = models.TextField("写作提示", blank=True)
    source_block = models.ForeignKey(
        Block, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="来源素材"
    )

    class Meta:
        ordering = ["speech", "order", "id"]
        verbose_name = verbose_name_plural = "讲话稿段落"
        indexes = [
            # The editor loads all sections of one speech in order.
            models.Index(fields=["speech", "order"], name="section_speech_order"),
        ]

    def __str__(self):
        return self.heading or self.get_role_display()


class Revision(models.Model):
    speech = models.ForeignKey(Speech, models.CASCADE, related_name="revisions", verbose_name="讲话稿")
    number = models.PositiveIntegerField("版本号")
    snapshot = models.JSONField("快照")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, verbose_name="作者"
    )
    created_at = models.DateTimeField("保存时间", default=timezone.now)
    name = models.CharField("版本名称", max_length=60, blank=True)
    note = models.CharField("说明", max_length=300, blank=True)
    chars = models.PositiveIntegerField("字数", default=0)

    class Meta:
        ordering = ["speech", "-number"]
        verbose_name = verbose_name_plural = "历史版本"
        constraints = [
            models.UniqueConstraint(fields=["speech", "number"], name="revision_unique_number"),
        ]

    def __str__(self):
        return f"{self.speech} 第{self.number}版"


class SpeechShare(models.Model):
    speech = models.ForeignKey(Speech, models.CASCADE, related_name="shares", verbose_name="讲话稿")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="shared_speeches", verbose_name="同事"
    )
    can_edit = models.BooleanField("可编辑", default=False)

    class Meta:
        verbose_name = verbose_name_plural = "共享"
        constraints = [
            models.UniqueConstraint(fields=["speech", "user"], name="speechshare_unique_user"),
        ]
