"""Workflows of the library area that span several models: importing corpus files, cutting blocks."""

import hashlib
import logging
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import IntegrityError, transaction

from speechdraft.text.errors import TextError
from speechdraft.text.loading import LoadedDocument, load_document
from speechdraft.text.parser import ParsedSpeech, parse_speech

from .models import Block, Category, CorpusDocument, Role

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


def count_chars(text: str) -> int:
    return len(re.sub(r"\s+", "", text))


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
            filename, data, max_bytes=settings.SPEECHDRAFT_MAX_UPLOAD_BYTES
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
    unreadable, readable = [], []
    for p in iter_corpus_paths(paths):
        try:
            readable.append((p.name, p.read_bytes(), str(p)))
        except OSError as exc:
            unreadable.append(
                ImportOutcome(path=str(p), status="error", error=f"无法读取文件：{exc.strerror or exc}")
            )
    return unreadable + corpus_import_files(files=readable, user=user)


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
