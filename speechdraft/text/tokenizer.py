"""jieba, set up once per process with the 人大 user dictionary and a cache directory the app owns.

Call ``configure(cache_dir)`` at start-up (optional; the default cache directory is
``<tempdir>/speechdraft-jieba``) and ``warm_up()`` before a server forks its workers, so that every
worker shares the loaded dictionary instead of paying ≈ 1 s on its first request. Everything else is
lazy and thread-safe: the first ``cut`` initialises the tokenizer.
"""

from __future__ import annotations

import logging
import math
import tempfile
import threading
from pathlib import Path

import jieba

USER_DICT = Path(__file__).resolve().parent / "data" / "userdict.txt"
_CACHE_FILE = "speechdraft-jieba.cache"

# Function words and the genre's ever-present verbs of exhortation: they say nothing about whether
# two clauses share content, so similarity weighting ignores them.
STOP_WORDS: frozenset[str] = frozenset(
    [
        "的",
        "地",
        "得",
        "了",
        "着",
        "过",
        "和",
        "与",
        "及",
        "以及",
        "或",
        "或者",
        "并",
        "并且",
        "而",
        "而且",
        "也",
        "都",
        "就",
        "又",
        "还",
        "再",
        "更",
        "最",
        "很",
        "较",
        "比较",
        "是",
        "在",
        "于",
        "为",
        "以",
        "对",
        "对于",
        "把",
        "被",
        "将",
        "从",
        "向",
        "到",
        "由",
        "给",
        "让",
        "使",
        "其",
        "之",
        "所",
        "等",
        "等等",
        "这",
        "那",
        "这些",
        "那些",
        "这个",
        "那个",
        "这样",
        "那样",
        "这种",
        "此",
        "各",
        "每",
        "各个",
        "各位",
        "我们",
        "你们",
        "他们",
        "大家",
        "我",
        "你",
        "他",
        "她",
        "它",
        "自己",
        "一个",
        "一些",
        "一种",
        "有",
        "没有",
        "不",
        "没",
        "要",
        "能",
        "会",
        "可以",
        "应",
        "应当",
        "应该",
        "必须",
        "需要",
        "进一步",
        "切实",
        "认真",
        "不断",
        "努力",
        "积极",
        "充分",
        "更加",
        "真正",
        "坚持",
        "加强",
        "做到",
        "做好",
        "作为",
        "通过",
        "按照",
        "根据",
        "围绕",
        "关于",
        "方面",
        "工作",
        "问题",
        "情况",
        "上",
        "下",
        "中",
        "里",
        "内",
        "外",
        "一是",
        "二是",
        "三是",
        "四是",
        "五是",
        "一要",
        "二要",
        "三要",
        "四要",
        "五要",
        "同志",
        "同志们",
    ]
)

_lock = threading.Lock()
_cache_dir: Path | None = None
_tokenizer: jieba.Tokenizer | None = None


def configure(cache_dir: Path | str) -> None:
    """Where jieba keeps its dictionary cache; takes effect if called before the first use."""
    global _cache_dir
    with _lock:
        _cache_dir = Path(cache_dir)


def _default_cache_dir() -> Path:
    return Path(tempfile.gettempdir()) / "speechdraft-jieba"


def tokenizer() -> jieba.Tokenizer:
    """The process-wide jieba tokenizer (initialised on first call)."""
    global _tokenizer
    if _tokenizer is None:
        with _lock:
            if _tokenizer is None:
                _tokenizer = _initialise(_cache_dir or _default_cache_dir())
    return _tokenizer


def _initialise(cache_dir: Path) -> jieba.Tokenizer:
    # jieba announces every initialisation on stderr; commands with --format json keep stderr for errors.
    jieba.setLogLevel(logging.WARNING)
    cache_dir.mkdir(parents=True, exist_ok=True)
    tk = jieba.Tokenizer()
    tk.tmp_dir = str(cache_dir)
    tk.cache_file = _CACHE_FILE
    tk.initialize()
    tk.load_userdict(str(USER_DICT))
    return tk


def warm_up() -> None:
    """Initialise jieba now (load the dictionary, write its cache on the first run)."""
    tokenizer()


def cut(text: str, *, hmm: bool = True) -> list[str]:
    """jieba's accurate mode; ``hmm=False`` is faster and never invents words."""
    return tokenizer().lcut(text, HMM=hmm)


def cut_for_search(text: str, *, hmm: bool = True) -> list[str]:
    """jieba's search-engine mode: long words are also given as their known sub-words."""
    return tokenizer().lcut_for_search(text, HMM=hmm)


def content_words(text: str) -> list[str]:
    """Words that carry content: no stop words, no punctuation or whitespace tokens."""
    return [w for w in cut(text, hmm=False) if w not in STOP_WORDS and any(ch.isalnum() for ch in w)]


_weights: dict[str, float] = {}


def word_weight(word: str) -> float:
    """Specificity of a word: its self-information −log p(word) under jieba's frequency dictionary.

    jieba ships word frequencies counted on a large general corpus and already holds them in memory,
    so this costs nothing at index time; rare words weigh more than common ones.
    """
    weight = _weights.get(word)
    if weight is None:
        tk = tokenizer()
        freq = tk.FREQ.get(word) or 0
        weight = math.log(tk.total / (freq + 1))
        _weights[word] = weight
    return weight
