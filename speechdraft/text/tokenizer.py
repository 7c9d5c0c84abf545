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

STOP_WORDS_FILE = Path(__file__).resolve().parent / "data" / "stopwords.txt"


def _read_stop_words() -> frozenset[str]:
    lines = STOP_WORDS_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(word for line in lines if not line.startswith("#") for word in line.split())


# Function words and the genre's ever-present verbs of exhortation: they say nothing about whether
# two clauses share content, so similarity weighting ignores them.
STOP_WORDS: frozenset[str] = _read_stop_words()

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
