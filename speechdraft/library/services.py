"""Workflows of the library area that span several models: importing corpus files, cutting blocks."""

import hashlib
import logging
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import IntegrityError, transaction

from speechdraft.text.counting import count_chars
from speechdraft.text.errors import TextError
from speechdraft.text.genre import heading_marker
from speechdraft.text.loading import LoadedDocument, check_upload, load_document
from speechdraft.text.parser import ParsedSpeech, parse_speech

from .models import Block, Category, CorpusDocument, Role, SpeechTemplate, TemplateSlot

log = logging.getLogger(__name__)

SUPPORTED_SUFFIXES = (".txt", ".docx", ".doc")

# Category suggested for a part from words in its heading, checked in order; the first hit wins.
CATEGORY_KEYWORDS: list[tuple[str, tuple[str, ...]]] = [
    ("提高认识", ("认识", "责任感", "使命感", "定位")),
    ("学习", ("学习", "领会", "本领", "知识", "能力")),
    ("为民服务", ("群众", "为民", "人民满意", "民生", "全过程人民民主", "中心工作")),
    ("作风纪律", ("作风", "纪律", "形象", "廉洁", "自律")),
    ("依法履职", ("履职", "依法", "职责", "作用", "实践")),
]
DEFAULT_CATEGORIES = ["开场", "提高认识", "学习", "依法履职", "为民服务", "作风纪律", "结尾"]


@dataclass
class ImportOutcome:
    """One file's result, in the shape of DESIGN §7's import_corpus JSON."""

    path: str
    status: str  # "imported" | "duplicate" | "error"
    id: int | None = None
    title: str = ""
    chars: int = 0
    encoding: str = ""
    removed_lines: list[str] = field(default_factory=list)
    error: str | None = None
    parts: list[dict] = field(default_factory=list)

    def as_dict(self) -> dict:
        return asdict(self)


def normalised_hash(text: str) -> str:
    """Two files that differ only in whitespace or line breaks are the same document."""
    return hashlib.sha256(re.sub(r"\s+", "", text).encode("utf-8")).hexdigest()


def suggest_category_name(heading: str) -> str | None:
    for name, words in CATEGORY_KEYWORDS:
        if any(word in heading for word in words):
            return name
    return None


def _segments_summary(parsed: ParsedSpeech) -> list[dict]:
    return [
        {"role": s.role, "heading": s.heading, "chars": count_chars(s.text), "start": s.start, "end": s.end}
        for s in parsed.segments()
    ]


def _title_for(parsed: ParsedSpeech, filename: str) -> str:
    if parsed.title:
        return parsed.title[:200]
    # Corpus files are usually named after the speech; the random suffix of exported names is dropped.
    return Path(filename).stem[:200] or "未命名讲话"


def corpus_import_file(
    *, filename: str, data: bytes, user=None, display_path: str | None = None
) -> ImportOutcome:
    """Import one file atomically: a document is either stored whole with its structure, or not at all."""
    path = display_path or filename
    if not filename.lower().endswith(SUPPORTED_SUFFIXES):
        return ImportOutcome(
            path=path, status="error", error="不支持的文件类型，请上传 .txt、.docx 或 .doc 文件。"
        )
    try:
        loaded: LoadedDocument = load_document(
            filename,
            data,
            max_bytes=settings.SPEECHDRAFT_MAX_UPLOAD_BYTES,
            max_chars=settings.SPEECHDRAFT_MAX_IMPORT_CHARS,
        )
        parsed = parse_speech(loaded.text)
    except TextError as exc:
        return ImportOutcome(path=path, status="error", error=str(exc))
    except Exception:  # a parser bug must not stop the other files of a batch
        log.exception("import of %s failed", path)
        return ImportOutcome(
            path=path, status="error", error="读取文件时发生内部错误，请将该文件发给系统管理员。"
        )

    outcome = ImportOutcome(
        path=path,
        status="imported",
        title=_title_for(parsed, filename),
        chars=count_chars(loaded.text),
        encoding=loaded.encoding,
        removed_lines=list(loaded.removed_lines),
        parts=[
            {"role": s["role"], "heading": s["heading"], "chars": s["chars"]}
            for s in _segments_summary(parsed)
        ],
    )
    digest = normalised_hash(loaded.text)
    existing = CorpusDocument.objects.filter(sha256=digest).order_by().values_list("pk", flat=True)[:1]
    if existing:
        outcome.status, outcome.id = "duplicate", existing[0]
        return outcome
    try:
        with transaction.atomic():
            doc = CorpusDocument(
                title=outcome.title,
                text=loaded.text,
                source_filename=Path(filename).name[:255],
                encoding=loaded.encoding,
                sha256=digest,
                chars=outcome.chars,
                removed_lines=outcome.removed_lines,
                segments=_segments_summary(parsed),
                imported_by=user if user is not None and user.is_authenticated else None,
            )
            doc.full_clean(exclude=["sha256"])
            doc.save()
    except IntegrityError:
        # Another import stored the same text between our lookup and our insert.
        doc = CorpusDocument.objects.get(sha256=digest)
        outcome.status = "duplicate"
    outcome.id = doc.id
    return outcome


def corpus_import_files(*, files: list[tuple[str, bytes, str]], user=None) -> list[ImportOutcome]:
    """Import (filename, data, display path) triples.

    Each stored document is journalled with it (``CorpusDocument.save``); the 查重 index catches up from
    that journal before its next check, on every host, so nothing here needs to know about it.
    """
    return [
        corpus_import_file(filename=name, data=data, user=user, display_path=shown)
        for name, data, shown in files
    ]


def iter_corpus_paths(paths: list[str]) -> list[Path]:
    """Expand folders into the supported files inside them, in a stable order."""
    found: list[Path] = []
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            found.extend(
                sorted(f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in SUPPORTED_SUFFIXES)
            )
        else:
            found.append(p)
    return found


def corpus_import_paths(*, paths: list[str], user=None) -> list[ImportOutcome]:
    """Import files and folders one file at a time (a folder can be larger than the server's memory)."""
    return _import_one_at_a_time(
        ((p.name, lambda p=p: p.stat().st_size, p.read_bytes, str(p)) for p in iter_corpus_paths(paths)),
        user=user,
    )


def corpus_import_uploads(*, uploads, user=None) -> list[ImportOutcome]:
    """Import uploaded files (Django UploadedFile), checking each one's name and size before reading it."""
    return _import_one_at_a_time(((f.name, lambda f=f: f.size, f.read, f.name) for f in uploads), user=user)


def _import_one_at_a_time(files, *, user) -> list[ImportOutcome]:
    """(name, size() → int, read() → bytes, shown path) for each file: only one file's bytes are held
    at once, and a file is refused by its name and size before it is read.

    Each stored document is journalled with it (``CorpusDocument.save``); the 查重 index catches up
    from that journal before its next check, on every host.
    """
    outcomes: list[ImportOutcome] = []
    for name, size, read, shown in files:
        try:
            check_upload(name, size(), max_bytes=settings.SPEECHDRAFT_MAX_UPLOAD_BYTES)
            data = read()
        except TextError as exc:
            outcomes.append(ImportOutcome(path=shown, status="error", error=str(exc)))
            continue
        except OSError as exc:
            outcomes.append(
                ImportOutcome(path=shown, status="error", error=f"无法读取文件：{exc.strerror or exc}")
            )
            continue
        outcomes.append(corpus_import_file(filename=name, data=data, user=user, display_path=shown))
        del data
    return outcomes


def blocks_cut_from_document(
    *, document: CorpusDocument, parsed: ParsedSpeech | None = None, user=None
) -> list[Block]:
    """Reusable blocks from a corpus document: opening, each part, stand-alone sub-points, closing.

    Offsets point into the stored document text so that a block always shows where it came from.
    """
    parsed = parsed or parse_speech(document.text)
    categories = {c.name: c for c in Category.objects.all()}
    blocks: list[Block] = []

    def add(title, body, role, category_name, start, end):
        body = body.strip()
        if not body:
            return
        blocks.append(
            Block(
                title=title[:200],
                body=body,
                role=role,
                category=categories.get(category_name) if category_name else None,
                source_document=document,
                source_start=start,
                source_end=end,
                created_by=user,
            )
        )

    for seg in parsed.segments():
        if seg.role == "opening":
            add(f"开场：{document.title}", seg.text, Role.OPENING, "开场", seg.start, seg.end)
        elif seg.role == "closing":
            add(f"结尾：{document.title}", seg.text, Role.CLOSING, "结尾", seg.start, seg.end)
    for part in parsed.parts:
        category = suggest_category_name(part.heading)
        add(
            _strip_marker(part.heading, part.marker),
            parsed.text[part.start : part.end],
            Role.PART,
            category,
            part.start,
            part.end,
        )
        for sp in part.subpoints:
            text = parsed.text[sp.start : sp.end]
            # A sub-point worth reusing on its own says something beyond its lead sentence.
            if len(text) >= 60:
                add(_strip_marker(sp.lead, sp.marker), text, Role.PART, category, sp.start, sp.end)
    Block.objects.bulk_create(blocks)
    return blocks


def _strip_marker(sentence: str, marker: str) -> str:
    text = sentence[len(marker) :] if marker and sentence.startswith(marker) else sentence
    return text.strip().rstrip("。；，：！") or sentence


def _without_marker(heading: str) -> str:
    found = heading_marker(heading)
    return heading[len(found[1]) :].strip() if found else heading


@transaction.atomic
def template_create_from_document(
    *,
    document: CorpusDocument,
    name: str,
    kind: str,
    description: str = "",
    opening_guidance: str = "",
    part_guidance: tuple[str, ...] = (),
    closing_guidance: str = "",
):
    """A template whose parts are the document's parts (as the parser finds them).

    Each part keeps the document's text as its 参考范文 and its heading as 标题样式; the document's
    blocks (cut now if it has none) are the parts' suggested material. Numbering and the run-in style
    follow the document.
    """

    parsed = parse_speech(document.text)
    if not document.blocks.exists():
        blocks_cut_from_document(document=document, parsed=parsed)
    blocks = {(b.source_start, b.source_end): b for b in document.blocks.all()}
    categories = {c.name: c for c in Category.objects.all()}
    first = parsed.parts[0] if parsed.parts else None
    template = SpeechTemplate(
        name=name,
        kind=kind,
        description=description,
        numbering=SpeechTemplate.Numbering.DI
        if first and first.style == "di"
        else SpeechTemplate.Numbering.YI,
        run_in_headings=first.run_in if first else True,
        source_document=document,
    )
    template.full_clean()
    template.save()
    segments = parsed.segments()
    opening = next((s for s in segments if s.role == "opening"), None)
    closing = next((s for s in segments if s.role == "closing"), None)
    slots = [
        TemplateSlot(
            order=0,
            role=Role.SALUTATION,
            title="称呼",
            guidance="单独成行，以全角冒号结束。",
            default_text=parsed.salutation or "各位代表、同志们：",
            example_text=parsed.salutation or "",
        ),
        TemplateSlot(
            order=1,
            role=Role.OPENING,
            title="开场",
            guidance=opening_guidance or "交代会议的缘由和目的，引出要讲的几点意见。",
            suggested_category=categories.get("开场"),
            suggested_block=blocks.get((opening.start, opening.end)) if opening else None,
            example_text=opening.text if opening else "",
        ),
    ]
    for i, part in enumerate(parsed.parts):
        block = blocks.get((part.start, part.end))
        slots.append(
            TemplateSlot(
                order=2 + i,
                role=Role.PART,
                title=part.heading[:120],
                heading_pattern=_without_marker(part.heading)[:200],
                guidance=part_guidance[i] if i < len(part_guidance) else "",
                suggested_category=block.category if block else None,
                suggested_block=block,
                example_text=part.body,
            )
        )
    slots.append(
        TemplateSlot(
            order=2 + len(parsed.parts),
            role=Role.CLOSING,
            title="结尾",
            guidance=closing_guidance or "以“同志们，”开头，提出希望，以感叹号收束。",
            suggested_category=categories.get("结尾"),
            suggested_block=blocks.get((closing.start, closing.end)) if closing else None,
            example_text=closing.text if closing else "",
        )
    )
    for slot in slots:
        slot.template = template
    TemplateSlot.objects.bulk_create(slots)
    return template
