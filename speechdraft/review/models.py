"""Review rounds: a speech's stage (送审 → 退回修改 / 审核通过 → 定稿), its recorded stage changes and
the 批注 reviewers leave on its words.

The stage lives here rather than on drafting's ``Speech``: drafting must not depend on review, and the
editor's own ``status`` field travels with every autosave, so a stage kept there would be overwritten
by whichever editor saved last. A speech without a ``ReviewState`` row is 起草中.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from speechdraft.drafting.models import Revision, Speech


class Stage(models.TextChoices):
    DRAFTING = "drafting", "起草中"
    IN_REVIEW = "in_review", "送审中"
    RETURNED = "returned", "退回修改"
    APPROVED = "approved", "审核通过"
    FINAL = "final", "定稿"


class ReviewState(models.Model):
    speech = models.OneToOneField(Speech, models.CASCADE, related_name="review", verbose_name="讲话稿")
    stage = models.CharField("阶段", max_length=12, choices=Stage.choices, default=Stage.DRAFTING)
    reviewers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="Assignment", related_name="reviews", verbose_name="审核人"
    )
    reviewers_may_edit = models.BooleanField("允许审核人直接修改", default=False)
    # 稿次: the first version is 第1稿; editing after 定稿 starts the next one.
    round = models.PositiveIntegerField("稿次", default=1)
    final_revision = models.ForeignKey(
        Revision, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="定稿版本"
    )
    updated_at = models.DateTimeField("更新时间", default=timezone.now)

    class Meta:
        verbose_name = verbose_name_plural = "审阅状态"

    def __str__(self):
        return f"{self.speech} · {self.get_stage_display()}"


class AssignmentQuerySet(models.QuerySet):
    def pending_for(self, user):
        """待我审核: speeches sent to ``user`` that are still waiting for their decision."""
        return self.filter(
            user=user, state__stage=Stage.IN_REVIEW, state__speech__deleted_at__isnull=True, decided_at=None
        )


class Assignment(models.Model):
    state = models.ForeignKey(ReviewState, models.CASCADE, related_name="assignments")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="review_assignments")
    sent_at = models.DateTimeField("送审时间", default=timezone.now)
    decided_at = models.DateTimeField("处理时间", null=True, blank=True)
    # True when 送审 made the share that lets the reviewer open the speech: ending the round takes
    # back the edit right it gave, never one the owner had granted before.
    granted_share = models.BooleanField(default=False)

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "审核人"
        constraints = [
            models.UniqueConstraint(fields=["state", "user"], name="review_assignment_unique_user"),
        ]
        indexes = [
            # 待我审核 on every home page: a reviewer's undecided assignments.
            models.Index(fields=["user", "decided_at"], name="review_assignment_pending"),
        ]


class StageChange(models.Model):
    speech = models.ForeignKey(Speech, models.CASCADE, related_name="stage_changes", verbose_name="讲话稿")
    from_stage = models.CharField("原阶段", max_length=12, choices=Stage.choices)
    to_stage = models.CharField("新阶段", max_length=12, choices=Stage.choices)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, verbose_name="操作人")
    note = models.CharField("说明", max_length=500, blank=True)
    revision_number = models.PositiveIntegerField("版本号", null=True, blank=True)
    created_at = models.DateTimeField("时间", default=timezone.now)

    class Meta:
        ordering = ["speech", "-created_at", "-id"]
        verbose_name = verbose_name_plural = "阶段变更"

    def __str__(self):
        return f"{self.get_from_stage_display()} → {self.get_to_stage_display()}"


class CommentQuerySet(models.QuerySet):
    def open(self):
        return self.filter(resolved_at=None)


class Comment(models.Model):
    """A 批注 on words of a section. ``section_id`` is a plain number, not a foreign key: a comment
    outlives its section (it is then listed as 失去位置的批注, never deleted with it)."""

    speech = models.ForeignKey(Speech, models.CASCADE, related_name="comments", verbose_name="讲话稿")
    section_id = models.PositiveIntegerField("段落", null=True, blank=True)
    anchor_text = models.CharField("批注的文字", max_length=500, blank=True)
    # Where the words stood when last found; the nearest occurrence wins when they appear twice.
    anchor_offset = models.PositiveIntegerField("位置", default=0)
    body = models.TextField("批注内容")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, verbose_name="批注人")
    created_at = models.DateTimeField("时间", default=timezone.now)
    resolved_at = models.DateTimeField("解决时间", null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = CommentQuerySet.as_manager()

    class Meta:
        ordering = ["speech", "created_at", "id"]
        verbose_name = verbose_name_plural = "批注"
        indexes = [
            # The editor's panel and the export guard: a speech's open comments.
            models.Index(fields=["speech", "resolved_at"], name="comment_speech_open"),
        ]
        constraints = [
            models.CheckConstraint(condition=~Q(body=""), name="comment_body_not_empty"),
        ]

    def __str__(self):
        return self.body[:30]

    @property
    def is_open(self) -> bool:
        return self.resolved_at is None


class Reply(models.Model):
    comment = models.ForeignKey(Comment, models.CASCADE, related_name="replies", verbose_name="批注")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, verbose_name="回复人")
    body = models.TextField("回复内容")
    created_at = models.DateTimeField("时间", default=timezone.now)

    class Meta:
        ordering = ["comment", "created_at", "id"]
        verbose_name = verbose_name_plural = "批注回复"


class ReviewUpload(models.Model):
    """An uploaded 审阅稿 kept between showing its changes and applying the chosen ones."""

    speech = models.ForeignKey(Speech, models.CASCADE, related_name="+", verbose_name="讲话稿")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="+")
    name = models.CharField("文件名", max_length=200)
    data = models.BinaryField("内容")
    created_at = models.DateTimeField("上传时间", default=timezone.now)
    applied_revision = models.PositiveIntegerField("生成的版本", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "审阅稿"
