import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse

from speechdraft.jsonfields import UnicodeJSONEncoder
from speechdraft.text.counting import percent
from speechdraft.text.lint import FormulationRule


class SimilaritySettings(models.Model):
    """Office-wide 查重 settings; a single row edited by 管理员."""

    min_span_chars = models.PositiveIntegerField("最小重复片段字数", default=13)
    count_quotes = models.BooleanField("引用计入总文字复制比", default=True)
    count_common = models.BooleanField("常见表述计入复制比", default=False)
    common_doc_threshold = models.PositiveIntegerField("常见表述：出现于至少多少篇语料", default=5)

    class Meta:
        verbose_name = verbose_name_plural = "查重设置"
        constraints = [
            models.CheckConstraint(condition=Q(min_span_chars__gte=5), name="similaritysettings_min_span"),
        ]

    def __str__(self):
        return "查重设置"

    @classmethod
    def current(cls) -> "SimilaritySettings":
        obj, _ = cls.objects.get_or_create(pk=1)
        return obj


class LintRuleQuerySet(models.QuerySet):
    def formulations(self):
        return [
            FormulationRule(r.pattern, r.message, r.suggestion, r.severity, r.is_regex)
            for r in self.filter(is_active=True)
        ]


class LintRule(models.Model):
    """A formulation the office wants flagged in 规范检查 (outdated wording, former titles …)."""

    class Severity(models.TextChoices):
        ERROR = "error", "错误"
        WARNING = "warning", "提醒"
        INFO = "info", "提示"

    pattern = models.CharField("查找内容", max_length=200)
    is_regex = models.BooleanField("正则表达式", default=False)
    message = models.CharField("提示语", max_length=300)
    suggestion = models.CharField("建议改为", max_length=200, blank=True)
    severity = models.CharField("级别", max_length=10, choices=Severity.choices, default=Severity.WARNING)
    is_active = models.BooleanField("启用", default=True)

    objects = LintRuleQuerySet.as_manager()

    class Meta:
        ordering = ["pattern"]
        verbose_name = verbose_name_plural = "规范检查规则"
        constraints = [models.UniqueConstraint(fields=["pattern"], name="lintrule_unique_pattern")]

    def __str__(self):
        return self.pattern

    def clean(self):
        if self.is_regex:
            try:
                re.compile(self.pattern)
            except re.error as exc:
                raise ValidationError({"pattern": f"正则表达式有误：{exc}"}) from exc


class SimilarityReport(models.Model):
    speech = models.ForeignKey(
        "drafting.Speech", models.CASCADE, related_name="similarity_reports", verbose_name="讲话稿"
    )
    revision = models.ForeignKey(
        "drafting.Revision", models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="版本"
    )
    text = models.TextField("查重文本")
    check_settings = models.JSONField("设置", default=dict)
    total_chars = models.PositiveIntegerField("总字数")
    copied_chars = models.PositiveIntegerField("重复字数")
    copy_ratio = models.FloatField("总文字复制比")
    copy_ratio_excluding_quotes = models.FloatField("去除引用复制比")
    result = models.JSONField("结果", encoder=UnicodeJSONEncoder)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, verbose_name="检测人"
    )
    created_at = models.DateTimeField("检测时间", auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = verbose_name_plural = "查重报告"
        constraints = [
            models.CheckConstraint(
                condition=Q(copy_ratio__gte=0) & Q(copy_ratio__lte=1), name="similarityreport_ratio_range"
            ),
        ]

    def __str__(self):
        return f"{self.speech} 查重 {percent(self.copy_ratio)}"

    def get_absolute_url(self):
        return reverse("checks:report", args=[self.pk])
