"""PAN-style evaluation of the 查重 engine: planted passages, character-level scores, a control.

A *draft* is built from original paragraphs (``data/original_paragraphs.txt``, written for this
purpose, sharing no corpus text) into which corpus passages are planted at known offsets, after an
*obfuscation*: verbatim, punctuation changed, light character edits, word swaps, reordered clauses,
or a mixture. The engine's report is scored against the planted cases as in the PAN text-alignment
task (Potthast et al., *An Evaluation Framework for Plagiarism Detection*, 2010):

* precision and recall at the character level, over both the draft and the source side;
* granularity: how many detections a detected case is split into (1 is ideal);
* plagdet = F1 / log2(1 + granularity);
* copy-ratio error in percentage points and source attribution accuracy.

The control drafts are original paragraphs plus a few stock formulas of the genre: every character
reported on them is a false positive.

Characters are counted as the report counts them (countable characters, see ``normalise``). The
corpus used for evaluation is the seeds plus documents derived from them by ``derive_documents``
(sentence shuffles with synonym substitutions), so that stock wording is shared as in reality.

The ground truth is kept unambiguous, as in the PAN corpora: a planted passage is text that no other
corpus document contains, original text separates two planted passages, and the word-swap
obfuscation draws on a synonym table disjoint from the one used to derive corpus documents.
Everything here is deterministic for a given ``random.Random`` seed and does no I/O except reading
``bench/data/original_paragraphs.txt``. It lives in ``bench/``, not in the production package: only
the benchmarks and their tests use it.
"""

from __future__ import annotations

import functools
import math
import random
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from speechdraft.text import tokenizer
from speechdraft.text.fingerprints import FingerprintIndex
from speechdraft.text.normalise import normalise
from speechdraft.text.similarity import CheckSettings, SimilarityReport, check

ORIGINAL_PARAGRAPHS = Path(__file__).resolve().parent / "data" / "original_paragraphs.txt"

# Near-synonyms of the genre, in two tables with no word in common: corpus documents are derived
# with the first, the word-swap obfuscation uses the second. With one shared table an obfuscated copy
# could turn back into another corpus document's wording, and its true source would be ambiguous.
DERIVATION_SYNONYMS: dict[str, tuple[str, ...]] = {
    "认真": ("切实", "扎实"),
    "切实": ("认真",),
    "积极": ("主动",),
    "主动": ("积极",),
    "提高": ("提升",),
    "提升": ("提高",),
    "推动": ("推进",),
    "推进": ("推动",),
    "群众": ("百姓",),
    "加强": ("强化",),
    "强化": ("加强",),
    "重要": ("关键",),
    "必须": ("务必",),
    "不断": ("持续",),
    "持续": ("不断",),
    "关心": ("关注",),
    "关注": ("关心",),
    "围绕": ("聚焦",),
    "维护": ("保障",),
    "保障": ("维护",),
    "参加": ("参与",),
    "参与": ("参加",),
    "了解": ("熟悉",),
    "熟悉": ("了解",),
}
SWAP_SYNONYMS: dict[str, tuple[str, ...]] = {
    "充分": ("全面", "更好"),
    "深入": ("深度",),
    "努力": ("力争", "全力"),
    "发挥": ("彰显",),
    "作用": ("效能",),
    "履职": ("履责",),
    "问题": ("难题",),
    "大家": ("各位",),
    "责任": ("职责",),
    "始终": ("一直",),
    "紧紧": ("牢牢",),
    "密切": ("紧密",),
    "正确": ("准确",),
    "及时": ("适时",),
    "解决": ("化解",),
    "开展": ("组织",),
    "工作": ("事务",),
    "要求": ("部署",),
    "坚决": ("坚定",),
    "真正": ("确实",),
    "同志们": ("各位同志",),
    "意见": ("看法",),
    "增强": ("增进",),
    "掌握": ("把握",),
    "深刻": ("深切",),
}

# Formulas every speech of the genre uses; the control drafts include some on purpose.
STOCK_PHRASES: tuple[str, ...] = (
    "人民选我当代表，我当代表为人民",
    "坚持以习近平新时代中国特色社会主义思想为指引",
    "当好党和政府联系人民群众的桥梁",
    "在践行全过程人民民主中展现新作为",
    "不当“哑巴代表”“挂名代表”",
    "代表来自人民、扎根人民",
)

OBFUSCATIONS: tuple[str, ...] = (
    "verbatim",
    "punctuation",
    "light_edits",
    "word_swaps",
    "reordered",
    "mixture",
)

_SENTENCE = re.compile(r"[^。！？!?\n]+[。！？!?]*")
_CLAUSE_SPLIT = re.compile(r"(?<=[，；,;])")
_FULL_TO_HALF = {
    "，": ",",
    "。": ".",
    "；": ";",
    "：": ":",
    "！": "!",
    "？": "?",
    "“": '"',
    "”": '"',
    "（": "(",
    "）": ")",
}
_HALF_TO_FULL = {",": "，", ".": "。", ";": "；", ":": "：", "!": "！", "?": "？", "(": "（", ")": "）"}
_HANZI = re.compile(r"[\u4e00-\u9fff]")


@functools.cache
def original_paragraphs() -> tuple[str, ...]:
    """The hand-written original paragraphs (no corpus text)."""
    lines = ORIGINAL_PARAGRAPHS.read_text(encoding="utf-8").splitlines()
    return tuple(line.strip() for line in lines if line.strip() and not line.startswith("#"))


def sentences(text: str) -> list[tuple[int, int]]:
    """[start, end) of each sentence (up to and including 。！？) of each line."""
    return [m.span() for m in _SENTENCE.finditer(text) if m.group().strip()]


# ---------------------------------------------------------------------------------------------------
# Obfuscations: each takes the passage and a Random and returns the text planted in the draft.


def obfuscate_punctuation(text: str, rng: random.Random) -> str:
    """Full-width punctuation to half-width and back (what a copy through another editor does)."""
    out = []
    for ch in text:
        if ch in _FULL_TO_HALF and rng.random() < 0.8:
            out.append(_FULL_TO_HALF[ch])
        elif ch in _HALF_TO_FULL and rng.random() < 0.8:
            out.append(_HALF_TO_FULL[ch])
        else:
            out.append(ch)
    return "".join(out)


def obfuscate_light_edits(text: str, rng: random.Random, rate: float = 0.04) -> str:
    """Random character deletions, insertions, substitutions and transpositions (≈ 1 per 25 hanzi)."""
    chars = list(text)
    alphabet = _HANZI.findall(text) or ["的"]
    out: list[str] = []
    i = 0
    while i < len(chars):
        ch = chars[i]
        if _HANZI.match(ch) and rng.random() < rate:
            kind = rng.randrange(4)
            if kind == 0:  # delete
                pass
            elif kind == 1:  # insert
                out.extend([ch, rng.choice(alphabet)])
            elif kind == 2:  # substitute
                out.append(rng.choice(alphabet))
            elif i + 1 < len(chars) and _HANZI.match(chars[i + 1]):  # transpose
                out.extend([chars[i + 1], ch])
                i += 1
            else:
                out.append(ch)
        else:
            out.append(ch)
        i += 1
    return "".join(out)


def obfuscate_word_swaps(
    text: str, rng: random.Random, synonym_rate: float = 0.5, swap_rate: float = 0.1
) -> str:
    """Synonym replacement (``SWAP_SYNONYMS``) and adjacent content words swapped, on jieba words."""
    words = tokenizer.cut(text, hmm=False)
    words = [
        rng.choice(SWAP_SYNONYMS[w]) if w in SWAP_SYNONYMS and rng.random() < synonym_rate else w
        for w in words
    ]
    i = 0
    while i + 1 < len(words):
        a, b = words[i], words[i + 1]
        if len(a) >= 2 and len(b) >= 2 and _HANZI.match(a) and _HANZI.match(b) and rng.random() < swap_rate:
            words[i], words[i + 1] = b, a
            i += 2
        else:
            i += 1
    return "".join(words)


def obfuscate_reordered(text: str, rng: random.Random) -> str:
    """The clauses of every sentence in another order (the sentence's final mark stays last)."""
    out = []
    for start, end in sentences(text):
        sentence = text[start:end]
        body = sentence.rstrip("。！？!?")
        tail = sentence[len(body) :]
        clauses = [c.rstrip("，；,;") for c in _CLAUSE_SPLIT.split(body) if c.rstrip("，；,;")]
        if len(clauses) >= 2:
            original = list(clauses)
            for _ in range(5):
                rng.shuffle(clauses)
                if clauses != original:
                    break
        out.append("，".join(clauses) + tail)
    return "".join(out)


def obfuscate_mixture(text: str, rng: random.Random) -> str:
    """Each sentence obfuscated in its own way (any of the others)."""
    kinds = [k for k in OBFUSCATIONS if k != "mixture"]
    return "".join(obfuscate(rng.choice(kinds), text[a:b], rng) for a, b in sentences(text))


def obfuscate(kind: str, text: str, rng: random.Random) -> str:
    functions: dict[str, Callable[[str, random.Random], str]] = {
        "verbatim": lambda t, _: t,
        "punctuation": obfuscate_punctuation,
        "light_edits": obfuscate_light_edits,
        "word_swaps": obfuscate_word_swaps,
        "reordered": obfuscate_reordered,
        "mixture": obfuscate_mixture,
    }
    return functions[kind](text, rng)


# ---------------------------------------------------------------------------------------------------
# Corpus derived from the seeds


def derive_documents(
    seeds: Sequence[str], count: int, rng: random.Random, *, sentences_per_doc: int = 40, rate: float = 0.3
) -> list[str]:
    """Same-genre documents made of the seeds' sentences, shuffled, with synonym substitutions.

    Every derived document shares many sentences (altered at ``rate`` per substitutable word) with the
    seeds and with other derived documents, as real speeches of the genre share stock wording.
    """
    pool = [s[a:b].strip() for s in seeds for a, b in sentences(s) if len(s[a:b].strip()) >= 12]
    table = DERIVATION_SYNONYMS
    substitutable = re.compile("|".join(sorted(map(re.escape, table), key=len, reverse=True)))
    documents = []
    for _ in range(count):
        picked = rng.sample(pool, min(sentences_per_doc, len(pool)))
        varied = [
            substitutable.sub(lambda m: rng.choice(table[m.group()]) if rng.random() < rate else m.group(), s)
            for s in picked
        ]
        paragraphs = ["".join(varied[i : i + 5]) for i in range(0, len(varied), 5)]
        documents.append("各位代表、同志们：\n" + "\n".join(paragraphs))
    return documents


# ---------------------------------------------------------------------------------------------------
# Planting


@dataclass(frozen=True)
class PlantedCase:
    start: int  # draft offsets of the planted (obfuscated) passage
    end: int
    source_id: int
    source_start: int  # offsets of the passage in the source text
    source_end: int
    obfuscation: str


@dataclass(frozen=True)
class PlantedDraft:
    text: str
    cases: tuple[PlantedCase, ...]

    @property
    def true_copy_ratio(self) -> float:
        """Countable characters of the planted passages over countable characters of the draft."""
        total = len(normalise(self.text))
        planted = sum(len(normalise(self.text[c.start : c.end])) for c in self.cases)
        return planted / total if total else 0.0


def _passage(
    corpus: Mapping[int, str], source_id: int, rng: random.Random, min_chars: int, max_chars: int
) -> tuple[int, int] | None:
    """A run of whole sentences of one line of a document, about min..max characters long, that no
    other document contains (else the true source of a planted copy would be ambiguous)."""
    text = corpus[source_id]
    spans = [span for span in sentences(text) if span[1] - span[0] >= 8]
    if not spans:
        return None
    target = rng.randint(min_chars, max_chars)
    for _ in range(20):
        first = rng.randrange(len(spans))
        start, end = spans[first]
        j = first + 1
        while end - start < target and j < len(spans) and "\n" not in text[end : spans[j][0]]:
            end = spans[j][1]
            j += 1
        if end - start < min_chars:
            continue
        needle = normalise(text[start:end]).text
        if not any(needle in _normalised(other) for oid, other in corpus.items() if oid != source_id):
            return start, end
    return None


@functools.lru_cache(maxsize=4096)
def _normalised(text: str) -> str:
    return normalise(text).text


def plant(
    corpus: Mapping[int, str],
    rng: random.Random,
    *,
    obfuscation: str,
    passages: int = 3,
    paragraphs: int = 8,
    min_chars: int = 60,
    max_chars: int = 300,
    stock_phrases: int = 0,
) -> PlantedDraft:
    """A draft of original paragraphs with ``passages`` corpus passages planted at random places.

    A passage goes into its own paragraph slot: after a sentence inside that paragraph, or as a
    paragraph of its own after it. Original text always separates two passages (as in the PAN
    corpora), else two adjacent copies could be one copy of a third document that holds both.
    ``stock_phrases`` formulas from ``STOCK_PHRASES`` are woven into the original text (not cases).
    """
    originals = list(original_paragraphs())
    chosen = rng.sample(originals, min(paragraphs, len(originals)))
    chosen = [_with_stock(p, rng) if i < stock_phrases else p for i, p in enumerate(chosen)]
    rng.shuffle(chosen)
    doc_ids = sorted(corpus)
    slots = rng.sample(range(len(chosen)), min(passages, len(chosen)))
    inserts: dict[int, tuple[str, int, int, int]] = {}
    for slot in slots:
        for _attempt in range(10):
            source_id = rng.choice(doc_ids)
            span = _passage(corpus, source_id, rng, min_chars, max_chars)
            if span is not None:
                break
        else:
            continue
        planted = obfuscate(obfuscation, corpus[source_id][span[0] : span[1]], rng)
        inserts[slot] = (planted, source_id, span[0], span[1])
    text_parts: list[str] = []
    cases: list[PlantedCase] = []
    pos = 0

    def emit(piece: str) -> None:
        nonlocal pos
        text_parts.append(piece)
        pos += len(piece)

    for i, paragraph in enumerate(chosen):
        if i:
            emit("\n")
        if i not in inserts:
            emit(paragraph)
            continue
        planted, source_id, s0, s1 = inserts[i]
        # Inside the paragraph (never after its last sentence), or as a paragraph of its own.
        inner = [end for _, end in sentences(paragraph)][:-1]
        split = rng.choice(inner) if inner and rng.random() < 0.5 else None
        if split is None:
            emit(paragraph + "\n")
        else:
            emit(paragraph[:split])
        start = pos
        emit(planted)
        cases.append(PlantedCase(start, pos, source_id, s0, s1, obfuscation))
        if split is not None:
            emit(paragraph[split:])
    return PlantedDraft("".join(text_parts), tuple(cases))


def _with_stock(paragraph: str, rng: random.Random) -> str:
    """The paragraph with one stock formula inserted as a clause after one of its sentences."""
    spans = sentences(paragraph)
    _, end = rng.choice(spans) if spans else (0, len(paragraph))
    return paragraph[:end] + rng.choice(STOCK_PHRASES) + "。" + paragraph[end:]


def control_draft(rng: random.Random, *, paragraphs: int = 8, stock_phrases: int = 3) -> PlantedDraft:
    """An original draft (no planted passage) with a few stock formulas of the genre."""
    return plant(
        {0: ""}, rng, obfuscation="verbatim", passages=0, paragraphs=paragraphs, stock_phrases=stock_phrases
    )


# ---------------------------------------------------------------------------------------------------
# Scoring


@dataclass(frozen=True)
class Detection:
    start: int
    end: int
    source_id: int
    source_start: int
    source_end: int


def detections(report: SimilarityReport, draft: str) -> list[Detection]:
    """The counted matches as PAN detections; touching matches of one source (split only at a quotation
    mark) are joined back into the passage the engine found."""
    result: list[Detection] = []
    for m in report.matches:
        if m.common:
            continue
        if result:
            last = result[-1]
            if last.source_id == m.source_id and not normalise(draft[last.end : m.start]).text:
                result[-1] = Detection(
                    last.start,
                    m.end,
                    m.source_id,
                    min(last.source_start, m.source_start),
                    max(last.source_end, m.source_end),
                )
                continue
        result.append(Detection(m.start, m.end, m.source_id, m.source_start, m.source_end))
    return result


class _CharSets:
    """Countable character positions of spans, memoised per text."""

    def __init__(self, draft: str, corpus: Mapping[int, str]) -> None:
        self._draft = normalise(draft).offsets
        self._corpus = corpus
        self._sources: dict[int, np.ndarray] = {}

    def draft(self, start: int, end: int) -> set[int]:
        lo, hi = np.searchsorted(self._draft, [start, end])
        return set(self._draft[lo:hi].tolist())

    def source(self, source_id: int, start: int, end: int) -> set[tuple[int, int]]:
        offsets = self._sources.get(source_id)
        if offsets is None:
            offsets = self._sources[source_id] = normalise(self._corpus[source_id]).offsets
        lo, hi = np.searchsorted(offsets, [start, end])
        return {(source_id, int(x)) for x in offsets[lo:hi]}


@dataclass(frozen=True)
class Scores:
    precision: float
    recall: float
    granularity: float
    plagdet: float
    cases: int
    detections: int


def pan_scores(
    cases: Sequence[PlantedCase],
    found: Sequence[Detection],
    *,
    drafts: Sequence[str] | None = None,
    corpus: Mapping[int, str],
    draft_of_case: Sequence[int] | None = None,
    draft_of_detection: Sequence[int] | None = None,
) -> Scores:
    """PAN character-level precision, recall, granularity and plagdet over one or many drafts.

    A case and a detection are paired when they concern the same draft and the same source document
    and overlap both in the draft and in the source. With several drafts, ``draft_of_case`` and
    ``draft_of_detection`` say which draft (index into ``drafts``) each belongs to.
    """
    drafts = list(drafts or [""])
    case_draft = list(draft_of_case or [0] * len(cases))
    det_draft = list(draft_of_detection or [0] * len(found))
    charsets = [_CharSets(d, corpus) for d in drafts]

    def chars(k: int, start: int, end: int, source_id: int, s0: int, s1: int) -> tuple[set, set]:
        return charsets[k].draft(start, end), charsets[k].source(source_id, s0, s1)

    case_chars = [
        chars(case_draft[i], c.start, c.end, c.source_id, c.source_start, c.source_end)
        for i, c in enumerate(cases)
    ]
    det_chars = [
        chars(det_draft[j], r.start, r.end, r.source_id, r.source_start, r.source_end)
        for j, r in enumerate(found)
    ]

    def pairs(i: int, j: int) -> bool:
        c, r = cases[i], found[j]
        if case_draft[i] != det_draft[j] or c.source_id != r.source_id:
            return False
        return bool(case_chars[i][0] & det_chars[j][0]) and bool(case_chars[i][1] & det_chars[j][1])

    detected_by: dict[int, list[int]] = {
        i: [j for j in range(len(found)) if pairs(i, j)] for i in range(len(cases))
    }
    detects: dict[int, list[int]] = {
        j: [i for i in range(len(cases)) if j in detected_by[i]] for j in range(len(found))
    }

    def size(cs: tuple[set, set]) -> int:
        return len(cs[0]) + len(cs[1])

    recall_terms = []
    for i in range(len(cases)):
        draft_hit: set = set()
        source_hit: set = set()
        for j in detected_by[i]:
            draft_hit |= case_chars[i][0] & det_chars[j][0]
            source_hit |= case_chars[i][1] & det_chars[j][1]
        recall_terms.append((len(draft_hit) + len(source_hit)) / max(1, size(case_chars[i])))
    precision_terms = []
    for j in range(len(found)):
        draft_hit = set()
        source_hit = set()
        for i in detects[j]:
            draft_hit |= case_chars[i][0] & det_chars[j][0]
            source_hit |= case_chars[i][1] & det_chars[j][1]
        precision_terms.append((len(draft_hit) + len(source_hit)) / max(1, size(det_chars[j])))
    recall = sum(recall_terms) / len(recall_terms) if recall_terms else 1.0
    precision = sum(precision_terms) / len(precision_terms) if precision_terms else 1.0
    detected = [len(v) for v in detected_by.values() if v]
    granularity = sum(detected) / len(detected) if detected else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return Scores(
        precision=precision,
        recall=recall,
        granularity=granularity,
        plagdet=f1 / math.log2(1 + granularity),
        cases=len(cases),
        detections=len(found),
    )


def attribution_accuracy(
    cases: Sequence[PlantedCase], report: SimilarityReport, draft: str
) -> tuple[int, int]:
    """(cases whose detected characters mostly point at the right source, cases detected at all)."""
    offsets = normalise(draft).offsets
    right = detected = 0
    for case in cases:
        votes: dict[int, int] = {}
        for m in report.matches:
            if m.common:
                continue
            a, b = max(case.start, m.start), min(case.end, m.end)
            if a < b:
                inside = int(((offsets >= a) & (offsets < b)).sum())
                votes[m.source_id] = votes.get(m.source_id, 0) + inside
        if votes and sum(votes.values()) > 0:
            detected += 1
            right += max(votes, key=lambda k: votes[k]) == case.source_id
    return right, detected


# ---------------------------------------------------------------------------------------------------
# Running an evaluation


@dataclass(frozen=True)
class EvaluationRow:
    obfuscation: str  # or "control"
    drafts: int
    scores: Scores
    ratio_error_mean: float  # |reported − true copy ratio|, percentage points
    ratio_error_max: float
    attribution: float  # share of detected cases attributed to the right source
    reported_ratio_mean: float  # mean reported copy ratio (the figure of interest for the control)
    reported_ratio_max: float
    check_ms_mean: float


@dataclass(frozen=True)
class Evaluation:
    rows: tuple[EvaluationRow, ...]
    settings: CheckSettings = field(default_factory=CheckSettings)

    def row(self, obfuscation: str) -> EvaluationRow:
        return next(r for r in self.rows if r.obfuscation == obfuscation)

    def table(self) -> str:
        """The rows as a Markdown table."""
        lines = [
            "| obfuscation | drafts | cases | precision | recall | granularity | plagdet | attribution "
            "| copy-ratio error mean / max (pts) | reported copy ratio mean / max | ms / check |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
        ]
        for r in self.rows:
            s = r.scores
            if s.cases:
                pan = f"{s.precision:.3f} | {s.recall:.3f} | {s.granularity:.3f} | {s.plagdet:.3f} | {r.attribution:.3f}"
            else:  # a control: no case to find, only what was (wrongly) reported counts
                pan = "— | — | — | — | —"
            lines.append(
                f"| {r.obfuscation} | {r.drafts} | {s.cases} | {pan} | "
                f"{r.ratio_error_mean:.2f} / {r.ratio_error_max:.2f} | "
                f"{100 * r.reported_ratio_mean:.2f} % / {100 * r.reported_ratio_max:.2f} % | "
                f"{r.check_ms_mean:.1f} |"
            )
        return "\n".join(lines)


def evaluation_corpus(seeds: Sequence[str], derived: int, rng: random.Random) -> dict[int, str]:
    """Seeds (ids 1..) followed by ``derived`` documents derived from them (ids 1001..)."""
    corpus = {i + 1: text for i, text in enumerate(seeds)}
    for j, text in enumerate(derive_documents(seeds, derived, rng)):
        corpus[1001 + j] = text
    return corpus


def evaluate(
    corpus: Mapping[int, str],
    *,
    drafts_per_obfuscation: int = 10,
    obfuscations: Iterable[str] = OBFUSCATIONS,
    controls: int = 10,
    seed: int = 1,
    settings: CheckSettings | None = None,
    index: FingerprintIndex | None = None,
    passages: int = 3,
) -> Evaluation:
    """Plant, check and score; one row per obfuscation plus a ``control`` row."""
    settings = settings or CheckSettings()
    index = index or FingerprintIndex.build(corpus.items())
    rows = []
    plans: list[tuple[str, int]] = [(o, drafts_per_obfuscation) for o in obfuscations]
    if controls:
        plans.append(("control", controls))
    for obfuscation, n in plans:
        rng = random.Random(f"{seed}-{obfuscation}")
        drafts: list[PlantedDraft] = []
        for _ in range(n):
            if obfuscation == "control":
                drafts.append(control_draft(rng))
            else:
                drafts.append(plant(corpus, rng, obfuscation=obfuscation, passages=passages))
        rows.append(_score(obfuscation, drafts, corpus, index, settings))
    return Evaluation(rows=tuple(rows), settings=settings)


def _score(
    obfuscation: str,
    drafts: list[PlantedDraft],
    corpus: Mapping[int, str],
    index: FingerprintIndex,
    settings: CheckSettings,
) -> EvaluationRow:
    cases: list[PlantedCase] = []
    found: list[Detection] = []
    case_draft: list[int] = []
    det_draft: list[int] = []
    errors: list[float] = []
    ratios: list[float] = []
    times: list[float] = []
    right = detected = 0
    for k, draft in enumerate(drafts):
        report = check(draft.text, index=index, source_text=corpus.get, source_title=str, settings=settings)
        times.append(report.elapsed_ms)
        ratios.append(report.copy_ratio)
        errors.append(100 * abs(report.copy_ratio - draft.true_copy_ratio))
        for case in draft.cases:
            cases.append(case)
            case_draft.append(k)
        for d in detections(report, draft.text):
            found.append(d)
            det_draft.append(k)
        attributed, attributable = attribution_accuracy(draft.cases, report, draft.text)
        right += attributed
        detected += attributable
    scores = pan_scores(
        cases,
        found,
        drafts=[d.text for d in drafts],
        corpus=corpus,
        draft_of_case=case_draft,
        draft_of_detection=det_draft,
    )
    return EvaluationRow(
        obfuscation=obfuscation,
        drafts=len(drafts),
        scores=scores,
        ratio_error_mean=sum(errors) / len(errors) if errors else 0.0,
        ratio_error_max=max(errors, default=0.0),
        attribution=right / detected if detected else 1.0,
        reported_ratio_mean=sum(ratios) / len(ratios) if ratios else 0.0,
        reported_ratio_max=max(ratios, default=0.0),
        check_ms_mean=sum(times) / len(times) if times else 0.0,
    )
