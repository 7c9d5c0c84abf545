"""The data a new install starts with: the two seed speeches, two templates built from them, blocks.

Loading is idempotent: every object is looked up by a natural key before it is created, so `make run`
can call it on every start.
"""

from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from .models import Block, Category, CorpusDocument, SpeechTemplate
from .services import DEFAULT_CATEGORIES, corpus_import_files, template_create_from_document

SEED_DIR = Path(__file__).resolve().parent / "seeds"


@dataclass(frozen=True)
class TemplateSpec:
    seed_file: str
    document_title: str  # the seeds' own titles, or the genre's usual one where the source has none
    name: str
    kind: str
    description: str
    numbering: str
    run_in_headings: bool
    opening_guidance: str
    part_guidance: tuple[str, ...]
    closing_guidance: str


TEMPLATES = [
    TemplateSpec(
        seed_file="000_856e7c9bd6a7060d.txt",
        document_title="在区人大代表座谈会上的讲话",
        name="代表座谈会讲话",
        kind="代表座谈会",
        description="常委会领导在人大代表座谈会上的讲话：交代座谈缘由，点评代表发言，围绕如何当好代表提出几点要求。",
        numbering=SpeechTemplate.Numbering.DI,
        run_in_headings=False,
        opening_guidance="交代召开座谈会的机会和目的，简述会议议程（情况通报、代表发言），肯定代表发言的质量，"
        "引出“提几点意见与大家共勉”。",
        part_guidance=(
            "第一部分讲学习：结合最新会议和讲话精神，提出强化思想自觉、政治自觉等要求，可用“一要…二要…三要…”展开。",
            "第二部分讲能力：结合本届代表情况，要求学习人大制度和履职知识，提升审议、建议、调研等本领。",
            "第三部分讲实践：围绕区委中心工作和全过程人民民主，要求代表联系群众、反映民意、带头做好本职工作。",
        ),
        closing_guidance="以“同志们，”开头，概括代表责任，表明常委会支持代表履职的态度，以感叹号收束。",
    ),
    TemplateSpec(
        seed_file="004_4dc910b79fc57e09.txt",
        document_title="在全区人大代表培训班上的讲话",
        name="人大代表培训班讲话",
        kind="人大代表培训班",
        description="培训班结业时的讲话：总结培训成效，就如何当好人大代表谈几点意见，标题与正文同段。",
        numbering=SpeechTemplate.Numbering.YI,
        run_in_headings=True,
        opening_guidance="概括培训完成情况和学习氛围，说明代表在制度、权利义务、履职知识上的收获，"
        "引出“结合培训体会谈几点意见”。",
        part_guidance=(
            "一、提高认识：从宪法、代表法讲代表的地位和职责，可用“一是…二是…三是…”分述。",
            "二、认真履职：讲参加会议、审议、提出建议、闭会期间活动等具体履职要求。",
            "三、勤于实践：讲联系群众、反映民意、作风形象，落到“人民满意”。",
        ),
        closing_guidance="以“各位代表、同志们，”开头，提出希望，号召为本地发展作贡献，以感叹号结束。",
    ),
]


def _ensure_categories() -> dict[str, Category]:
    for order, name in enumerate(DEFAULT_CATEGORIES):
        Category.objects.get_or_create(name=name, defaults={"order": order})
    return {c.name: c for c in Category.objects.all()}


def _seed_document(spec: TemplateSpec) -> tuple[CorpusDocument, bool]:
    data = (SEED_DIR / spec.seed_file).read_bytes()
    (outcome,) = corpus_import_files(files=[(spec.seed_file, data, spec.seed_file)])
    if outcome.status == "error":
        raise RuntimeError(f"默认语料 {spec.seed_file} 无法导入：{outcome.error}")
    document = CorpusDocument.objects.get(pk=outcome.id)
    is_new = outcome.status == "imported"
    if is_new and document.title != spec.document_title:
        document.title = spec.document_title
        document.save(update_fields=["title"])
    return document, is_new


def _build_template(spec: TemplateSpec, document: CorpusDocument) -> SpeechTemplate:
    template = template_create_from_document(
        document=document,
        name=spec.name,
        kind=spec.kind,
        description=spec.description,
        opening_guidance=spec.opening_guidance,
        part_guidance=spec.part_guidance,
        closing_guidance=spec.closing_guidance,
    )
    if (template.numbering, template.run_in_headings) != (spec.numbering, spec.run_in_headings):
        template.numbering, template.run_in_headings = spec.numbering, spec.run_in_headings
        template.save(update_fields=["numbering", "run_in_headings"])
    return template


def load_defaults() -> dict[str, int]:
    """Create whatever of the default data is missing; return how many objects were created."""
    created = {"documents": 0, "templates": 0, "blocks": 0}
    with transaction.atomic():
        _ensure_categories()
        for spec in TEMPLATES:
            blocks_before = Block.objects.count()
            document, is_new = _seed_document(spec)
            created["documents"] += int(is_new)
            if not SpeechTemplate.objects.filter(name=spec.name).exists():
                _build_template(spec, document)
                created["templates"] += 1
            created["blocks"] += Block.objects.count() - blocks_before
    return created
