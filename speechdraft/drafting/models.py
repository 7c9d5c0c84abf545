from datetime import date, timedelta

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone

from speechdraft.jsonfields import UnicodeJSONEncoder
from speechdraft.library.models import Block, Role, SpeechTemplate
from speechdraft.library.search import search_terms
from speechdraft.text.printing import PrintedSpeech, SectionData, print_speech

# Speeches stay in the 回收站 this long before `purge_trash` deletes them for good.
TRASH_DAYS = 30


def display_name(user, default: str = "") -> str:
    """A person as colleagues know them — their 姓名 (full name, or first name), else the login name —
    in shares, conflicts and history."""
    if user is None:
        return default
    return user.get_full_name() or user.first_name or user.username or default


def section_key(section_id: int) -> str:
    """The editor's name for a stored section; its card in the editor is ``#sec-<key>``."""
    return f"s{section_id}"


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

    def with_access(self, user):
        """Annotate what ``user`` may do; a speech neither owned nor shared gets ``shared=False``.

        Two EXISTS subqueries instead of a join keep one row per speech without DISTINCT, so the
        list can order and paginate on the plain table.
        """
        shares = SpeechShare.objects.filter(speech=OuterRef("pk"), user=user)
        return self.annotate(shared=Exists(shares), shared_edit=Exists(shares.filter(can_edit=True)))

    def accessible_to(self, user):
        return self.with_access(user).filter(Q(owner=user) | Q(shared=True))

    def search(self, query: str):
        """我的讲话稿 search: every jieba term of ``query`` in the title, occasion, speaker or the text.

        The text is searched with one EXISTS per term over the sections, so a speech matching in many
        sections is still one row and the list keeps its plain ordering and pagination.
        """
        qs = self
        for term in search_terms(query):
            in_text = SpeechSection.objects.filter(speech=OuterRef("pk")).filter(
                Q(heading__icontains=term) | Q(body__icontains=term)
            )
            qs = qs.filter(
                Q(title__icontains=term)
                | Q(occasion__icontains=term)
                | Q(speaker__icontains=term)
                | Exists(in_text)
            )
        return qs

    def with_chars(self):
        """Annotate ``chars``: the 字数（不含标点） of the last saved revision, as the editor shows it."""
        last = Revision.objects.stored().filter(speech=OuterRef("pk")).order_by("-number").values("chars")[:1]
        return self.annotate(chars=Subquery(last))

    def expired_trash(self, now=None):
        cutoff = (now or timezone.now()) - timedelta(days=TRASH_DAYS)
        return self.filter(deleted_at__lt=cutoff)


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
        "部分编号",
        max_length=4,
        choices=SpeechTemplate.Numbering.choices,
        default=SpeechTemplate.Numbering.YI,
    )
    run_in_headings = models.BooleanField("标题与正文同段", default=True)
    placeholder_values = models.JSONField("占位符取值", default=dict, blank=True, encoder=UnicodeJSONEncoder)
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

    def section_url(self, section_id: int) -> str:
        """The editor, scrolled to one section (links from 查重, 规范检查 and the export guard)."""
        return f"{self.get_absolute_url()}#sec-{section_key(section_id)}"

    def printed(self, *, fill: bool = True) -> PrintedSpeech:
        """The speech laid out as it prints (uses prefetched sections when there are some)."""
        return print_speech(
            title=self.title,
            speaker=self.speaker,
            date=self.date,
            sections=[s.as_data() for s in self.sections.all()],
            numbering=self.numbering,
            run_in=self.run_in_headings,
            values=self.placeholder_values if fill else None,
        )

    def as_text(self) -> str:
        """The speech as plain text exactly as it reads when printed, placeholders filled.

        The one bridge to 查重 and export: they read this through ``parse_speech``.
        """
        return self.printed().text

    def text_spans(self) -> tuple[str, list[tuple[int, int, int]]]:
        """``as_text()`` and where each section stands in it: (section_id, start, end)."""
        printed = self.printed()
        return printed.text, printed.spans()

    def can_edit(self, user) -> bool:
        """Needs ``with_access(user)`` on the queryset that fetched this speech."""
        return self.owner_id == user.pk or bool(getattr(self, "shared_edit", False))


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

    def as_data(self) -> SectionData:
        return SectionData(key=self.pk, role=self.role, heading=self.heading, body=self.body)


# A save refused by optimistic locking is kept as a revision with this note, never thrown away.
CONFLICT_NOTE = "未保存的冲突版本"


class RevisionQuerySet(models.QuerySet):
    def stored(self):
        """Revisions whose text was stored as the speech, i.e. not refused conflict copies."""
        return self.exclude(kind=Revision.Kind.CONFLICT)

    def latest_stored(self):
        """The revision holding the speech's current text: the last save that was not a refused conflict
        copy (what 查重, export and review read; one rule, here)."""
        return self.stored().order_by("-number").first()

    def base_for(self, speech_id: int, version: int):
        """The revision holding the speech as it was at ``version`` — or, when autosaves of a writing
        session were collapsed past it, the nearest older one (a merge against an older base can only
        see more conflicts, never lose a change)."""
        return (
            self.stored()
            .filter(speech_id=speech_id, version__isnull=False, version__lte=version)
            .order_by("-version", "-number")
            .first()
        )


class Revision(models.Model):
    class Kind(models.TextChoices):
        AUTOSAVE = "autosave", "自动保存"
        SAVE = "save", "保存"
        CREATE = "create", "新建"
        RESTORE = "restore", "恢复"
        MERGE = "merge", "合并"
        CONFLICT = "conflict", "冲突版本"

    speech = models.ForeignKey(Speech, models.CASCADE, related_name="revisions", verbose_name="讲话稿")
    number = models.PositiveIntegerField("版本号")
    # Autosaves of one writing session collapse into one revision; every other kind is always kept.
    kind = models.CharField("类型", max_length=10, choices=Kind.choices, default=Kind.SAVE)
    # The speech's `version` this revision stored: the base a later save is merged against.
    version = models.PositiveIntegerField("讲话稿版本号", null=True, blank=True)
    snapshot = models.JSONField("快照", encoder=UnicodeJSONEncoder)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, verbose_name="作者"
    )
    created_at = models.DateTimeField("保存时间", default=timezone.now)
    name = models.CharField("版本名称", max_length=60, blank=True)
    note = models.CharField("说明", max_length=300, blank=True)
    chars = models.PositiveIntegerField("字数", default=0)

    objects = RevisionQuerySet.as_manager()

    class Meta:
        ordering = ["speech", "-number"]
        verbose_name = verbose_name_plural = "历史版本"
        constraints = [
            models.UniqueConstraint(fields=["speech", "number"], name="revision_unique_number"),
        ]
        indexes = [
            # A conflicting save looks up the revision of its base version.
            models.Index(fields=["speech", "version"], name="revision_speech_version"),
        ]

    def __str__(self):
        return f"{self.speech} 第{self.number}版"

    @property
    def is_conflict(self) -> bool:
        return self.kind == self.Kind.CONFLICT or self.note == CONFLICT_NOTE

    def printed(self) -> PrintedSpeech:
        """The speech as it read in this revision, from the snapshot alone."""
        snap = self.snapshot
        return print_speech(
            title=snap.get("title", ""),
            speaker=snap.get("speaker", ""),
            date=date.fromisoformat(snap["date"]) if snap.get("date") else None,
            sections=[
                SectionData(
                    key=s.get("id"), role=s["role"], heading=s.get("heading", ""), body=s.get("body", "")
                )
                for s in snap.get("sections", [])
            ],
            numbering=snap.get("numbering", "yi"),
            run_in=snap.get("run_in_headings", True),
            values=snap.get("placeholder_values") or None,
        )

    def as_text(self) -> str:
        return self.printed().text


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
