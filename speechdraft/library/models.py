import uuid

from django.conf import settings
from django.db import models, transaction
from django.db.models import Q
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.urls import reverse

from speechdraft.jsonfields import UnicodeJSONEncoder
from speechdraft.library.search import search_terms


class Role(models.TextChoices):
    """Where a piece of text stands in a speech; shared by template slots, blocks and speech sections."""

    SALUTATION = "salutation", "称呼"
    OPENING = "opening", "开场"
    PART = "part", "主体"
    CLOSING = "closing", "结尾"


class Category(models.Model):
    name = models.CharField("名称", max_length=40, unique=True)
    order = models.PositiveIntegerField("排序", default=0)

    class Meta:
        ordering = ["order", "name"]
        verbose_name = verbose_name_plural = "素材分类"

    def __str__(self):
        return self.name


class Tag(models.Model):
    name = models.CharField("名称", max_length=40, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = verbose_name_plural = "标签"

    def __str__(self):
        return self.name


class DatabaseIdentity(models.Model):
    """One row, made by a migration: a random id that tells this database apart from every other one.

    Caches of the corpus kept outside the database (the 查重 index of each host) record it, so that a
    cache built against another database (another DATABASE_URL) is never used against this one.
    """

    uid = models.CharField("数据库标识", max_length=32, unique=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "数据库标识"

    def __str__(self):
        return self.uid


class CorpusJournal(models.Model):
    """One row per change of a corpus document, written in the same transaction as the change.

    The database is the truth; anything derived from the corpus elsewhere (the 查重 index of every app
    host) catches up by reading the entries after the last one it holds. A rolled-back change leaves
    no entry. ``library`` only writes here: it knows nothing of who reads.
    """

    document_id = models.BigIntegerField("语料编号")  # not a foreign key: deletions are journalled too
    created_at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        ordering = ["id"]
        verbose_name = verbose_name_plural = "语料变更记录"

    def __str__(self):
        return f"#{self.pk} 语料 {self.document_id}"


def database_identity() -> str:
    """This database's random id (made by the migration; made again if a flush removed it)."""
    row = DatabaseIdentity.objects.order_by("pk").first()
    if row is None:
        row, _ = DatabaseIdentity.objects.get_or_create(pk=1, defaults={"uid": uuid.uuid4().hex})
    return row.uid


def journal_changes(document_ids) -> None:
    """Record that these documents changed (added, edited, deleted); call inside the change's transaction."""
    CorpusJournal.objects.bulk_create([CorpusJournal(document_id=pk) for pk in document_ids])


class CorpusDocumentQuerySet(models.QuerySet):
    def indexed(self):
        """Documents in the 查重 index: reference material, and boilerplate, whose wording is
        recognised as 常见表述 even when the document itself is not reference material."""
        return self.filter(Q(is_reference=True) | Q(is_boilerplate=True))

    def update(self, **kwargs):
        # A bulk update changes documents too (e.g. taking them out of 查重): journal every one of them.
        with transaction.atomic(using=self.db):
            pks = list(self.values_list("pk", flat=True))
            count = super().update(**kwargs)
            journal_changes(pks)
        return count

    update.alters_data = True


class CorpusDocument(models.Model):
    title = models.CharField("标题", max_length=200)
    text = models.TextField("正文")
    source_filename = models.CharField("来源文件", max_length=255, blank=True)
    encoding = models.CharField("识别编码", max_length=20, blank=True)
    sha256 = models.CharField("规范化文本哈希", max_length=64)
    chars = models.PositiveIntegerField("字数", default=0)
    removed_lines = models.JSONField("清除的干扰行", default=list, blank=True, encoder=UnicodeJSONEncoder)
    segments = models.JSONField("结构", default=list, blank=True, encoder=UnicodeJSONEncoder)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, verbose_name="导入人"
    )
    imported_at = models.DateTimeField("导入时间", auto_now_add=True)
    is_reference = models.BooleanField("参与查重", default=True)
    is_boilerplate = models.BooleanField("通用表述（不计入复制比）", default=False)

    objects = CorpusDocumentQuerySet.as_manager()

    class Meta:
        ordering = ["-imported_at", "-id"]
        verbose_name = verbose_name_plural = "语料文档"
        constraints = [
            # Import dedupes on the normalised text; the constraint makes a race between two imports safe.
            models.UniqueConstraint(fields=["sha256"], name="corpusdocument_unique_sha256"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("library:document", args=[self.pk])

    def save(self, *args, **kwargs):
        # The journal entry commits or rolls back with the document itself.
        with transaction.atomic(using=kwargs.get("using") or "default"):
            super().save(*args, **kwargs)
            journal_changes([self.pk])

    save.alters_data = True

    @property
    def in_index(self) -> bool:
        """Mirrors CorpusDocumentQuerySet.indexed() for one row."""
        return self.is_reference or self.is_boilerplate


class SpeechTemplateQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)


class SpeechTemplate(models.Model):
    class Numbering(models.TextChoices):
        YI = "yi", "一、二、三、"
        DI = "di", "第一、第二、第三、"

    name = models.CharField("名称", max_length=80, unique=True)
    kind = models.CharField("讲话类别", max_length=40)
    description = models.TextField("说明", blank=True)
    numbering = models.CharField("部分编号", max_length=4, choices=Numbering.choices, default=Numbering.YI)
    run_in_headings = models.BooleanField("标题与正文同段", default=True)
    source_document = models.ForeignKey(
        CorpusDocument, models.SET_NULL, null=True, blank=True, verbose_name="来源语料"
    )
    is_active = models.BooleanField("启用", default=True)
    version = models.PositiveIntegerField("版本", default=1)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = SpeechTemplateQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = verbose_name_plural = "讲话模板"

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("library:template", args=[self.pk])


class TemplateSlot(models.Model):
    template = models.ForeignKey(SpeechTemplate, models.CASCADE, related_name="slots", verbose_name="模板")
    order = models.PositiveIntegerField("顺序")
    role = models.CharField("位置", max_length=12, choices=Role.choices)
    title = models.CharField("名称", max_length=120)
    # How the part's heading is built ("提高认识，增强……的责任感"): shown beside the slot, never copied.
    heading_pattern = models.CharField("标题样式", max_length=200, blank=True)
    guidance = models.TextField("写作提示", blank=True)
    # The source speech's text for this part: shown beside the slot and inserted per paragraph on
    # request; a new speech starts from it only when the user chooses 以范文为底稿.
    example_text = models.TextField("参考范文", blank=True)
    # Text a new speech starts with when no block is suggested (the salutation, mostly).
    default_text = models.TextField("默认文字", blank=True)
    suggested_category = models.ForeignKey(
        Category, models.SET_NULL, null=True, blank=True, verbose_name="建议分类"
    )
    suggested_block = models.ForeignKey(
        "Block", models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="建议素材"
    )

    class Meta:
        ordering = ["template", "order"]
        verbose_name = verbose_name_plural = "模板栏目"
        constraints = [
            models.UniqueConstraint(fields=["template", "order"], name="templateslot_unique_order"),
        ]

    def __str__(self):
        return f"{self.template} · {self.title}"

    @property
    def example_paragraphs(self) -> list[str]:
        return [line.strip() for line in self.example_text.splitlines() if line.strip()]


class BlockQuerySet(models.QuerySet):
    def search(self, query: str):
        """jieba search over title and body: every query word must occur (AND), like a search box."""
        qs = self
        for term in search_terms(query):
            qs = qs.filter(Q(title__icontains=term) | Q(body__icontains=term))
        # Blocks holding the whole phrase as typed come first, title hits before body hits.
        phrase = query.strip()
        rank = models.Case(
            models.When(title__icontains=phrase, then=2),
            models.When(body__icontains=phrase, then=1),
            default=0,
            output_field=models.IntegerField(),
        )
        return qs.annotate(search_rank=rank).order_by("-search_rank", "-usage_count", "id")


class Block(models.Model):
    title = models.CharField("标题", max_length=200)
    body = models.TextField("正文")
    role = models.CharField("位置", max_length=12, choices=Role.choices, default=Role.PART)
    category = models.ForeignKey(Category, models.SET_NULL, null=True, blank=True, verbose_name="分类")
    tags = models.ManyToManyField(Tag, blank=True, verbose_name="标签")
    source_document = models.ForeignKey(
        CorpusDocument, models.SET_NULL, null=True, blank=True, related_name="blocks", verbose_name="来源语料"
    )
    source_start = models.PositiveIntegerField("来源起始位置", null=True, blank=True)
    source_end = models.PositiveIntegerField("来源结束位置", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, verbose_name="创建人"
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    usage_count = models.PositiveIntegerField("使用次数", default=0)

    objects = BlockQuerySet.as_manager()

    class Meta:
        ordering = ["category__order", "id"]
        verbose_name = verbose_name_plural = "段落素材"
        constraints = [
            models.CheckConstraint(
                condition=Q(source_start__isnull=True)
                | Q(source_end__isnull=True)
                | Q(source_end__gte=models.F("source_start")),
                name="block_source_span_ordered",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("library:block", args=[self.pk])

    def record_use(self) -> None:
        """Count an insertion into a speech without a read-modify-write race."""
        Block.objects.filter(pk=self.pk).update(usage_count=models.F("usage_count") + 1)

    @property
    def source_excerpt(self) -> str:
        if self.source_document_id is None or self.source_start is None:
            return ""
        return self.source_document.text[self.source_start : self.source_end]


@receiver(post_delete, sender=CorpusDocument, dispatch_uid="library-journal-corpus-delete")
def _journal_deleted_document(sender, instance, using, **kwargs):
    # Sent inside the deletion's transaction (Django's collector wraps it), single or bulk.
    CorpusJournal.objects.using(using).create(document_id=instance.pk)
