"""Decoding of .txt uploads: the encodings Chinese office PCs actually produce, nothing exotic.

Order matters. A BOM is decisive; strict UTF-8 almost never accepts bytes that were not written
as UTF-8; GB18030 is a superset of GBK and GB2312 and is tried only after UTF-8; an unrestricted
detector is never used because it misreads short GBK text as Big5 or as a Western code page.
"""

from __future__ import annotations

import codecs
import functools
import unicodedata
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

import charset_normalizer

from speechdraft.text.cleaning import simplify_char
from speechdraft.text.errors import DocumentError, EmptyDocumentError

UNREADABLE_MESSAGE = (
    "无法识别文件编码：这个文件看起来不是文本文件，或使用了不支持的编码。"
    "请用记事本或 WPS 打开后另存为 UTF-8 或 GBK 编码的文本（.txt）后重新导入。"
)
EMPTY_MESSAGE = "文件为空：没有找到可导入的文字，请检查文件内容后重新导入。"

# Encodings charset-normalizer may choose from once the strict attempts failed (BOM-less UTF-16
# is the case it is there for).
_DETECTOR_ENCODINGS = ["utf_8", "gb18030", "utf_16_le", "utf_16_be"]
_DETECTOR_NAMES = {"utf_8": "utf-8", "gb18030": "gb18030", "utf_16_le": "utf-16", "utf_16_be": "utf-16"}

# Share of non-space characters that may be control/private-use/unassigned/U+FFFD before the
# decode is judged to be binary data.
_MAX_BAD_SHARE = 0.05
_MAX_BAD_SHARE_LEGACY = 0.005
_LEGACY = ("gb18030", "utf-16")
# For encodings that accept almost any byte string (GB18030, UTF-16) the text must also consist
# mostly of characters a Chinese document uses (see _is_common). Random bytes decoded as GB18030
# score about 0.4 on this measure; the seed speeches encoded as GBK score above 0.99.
_MIN_COMMON_SHARE = 0.85
_COMMON_ASCII = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.,;:!?()'\"-/%*")
_COMMON_PUNCT = frozenset(
    "，。、；：？！“”‘’（）《》〈〉【】〔〕「」『』…—–·•～－＊×％"
    "０１２３４５６７８９ＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱＲＳＴＵＶＷＸＹＺａｂｃｄｅｆｇｈｉｊｋｌｍｎｏｐｑｒｓｔｕｖｗｘｙｚ"
    "〇○①②③④⑤⑥⑦⑧⑨⑩"
)


@dataclass(frozen=True)
class DecodedText:
    text: str
    encoding: str  # "utf-8", "utf-8-sig", "utf-16" or "gb18030"


def decode_text(data: bytes) -> DecodedText:
    """Decode the bytes of a .txt file; raises DocumentError with a Chinese message."""
    if not data.strip():
        raise EmptyDocumentError(EMPTY_MESSAGE)
    for decoded in _candidates(data):
        if not decoded.text.strip():
            raise EmptyDocumentError(EMPTY_MESSAGE)
        if looks_like_text(decoded.text, multibyte_legacy=decoded.encoding in _LEGACY):
            return decoded
    raise DocumentError(UNREADABLE_MESSAGE)


def _candidates(data: bytes) -> Iterator[DecodedText]:
    """Decodes to try in order; the first that also looks like text wins."""
    if data.startswith(codecs.BOM_UTF8):
        yield from _strict(data, "utf-8-sig", "utf-8-sig")
        return
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        # Python's "utf-16" codec reads the BOM, picks the byte order and drops the BOM.
        yield from _strict(data, "utf-16", "utf-16")
        return
    yield from _strict(data, "utf-8", "utf-8")
    yield from _strict(data, "gb18030", "gb18030")
    best = charset_normalizer.from_bytes(data, cp_isolation=_DETECTOR_ENCODINGS).best()
    if best is not None and best.encoding in _DETECTOR_NAMES:
        yield from _strict(data, best.encoding, _DETECTOR_NAMES[best.encoding])
    # charset-normalizer gives up on long BOM-less UTF-16; the plausibility test decides instead.
    yield from _strict(data, "utf_16_le", "utf-16")
    yield from _strict(data, "utf_16_be", "utf-16")


def _strict(data: bytes, codec: str, label: str) -> Iterator[DecodedText]:
    try:
        yield DecodedText(text=data.decode(codec), encoding=label)
    except UnicodeDecodeError:
        return


def looks_like_text(text: str, *, multibyte_legacy: bool) -> bool:
    """False when a decode produced binary garbage rather than a document.

    ``multibyte_legacy`` selects the stricter test for GB18030/UTF-16 decodes, which succeed on
    many random byte strings; UTF-8 decodes only get the control-character test so that a UTF-8
    document in another script is not rejected.
    """
    counts = Counter(text)
    total = bad = common = 0
    # Judge each distinct character once: a speech has a few thousand, a 20 MB file no more.
    for c, n in counts.items():
        if c.isspace():
            continue
        total += n
        if _is_bad(c):
            bad += n
        elif multibyte_legacy and _is_common(c):
            common += n
    if not total:
        return False
    if bad > (_MAX_BAD_SHARE_LEGACY if multibyte_legacy else _MAX_BAD_SHARE) * total:
        return False
    return not multibyte_legacy or common >= _MIN_COMMON_SHARE * total


def _is_bad(c: str) -> bool:
    return c == "\ufffd" or unicodedata.category(c) in ("Cc", "Co", "Cn", "Cs")


@functools.lru_cache(maxsize=8192)
def _is_common(c: str) -> bool:
    """Characters a Chinese speech is made of: frequent hanzi, ordinary punctuation, ASCII text."""
    if c in _COMMON_ASCII or c in _COMMON_PUNCT:
        return True
    if _is_frequent_hanzi(c):
        return True
    # Traditional hanzi (們, 會) are outside GB2312 but their simplified form is frequent.
    simplified = simplify_char(c)
    return simplified != c and _is_frequent_hanzi(simplified)


def _is_frequent_hanzi(c: str) -> bool:
    """In GB2312 level 1 (rows 16–55: the 3 755 most frequent hanzi), which covers ~99.9 % of the
    hanzi in running official text; random bytes land there only about one time in six."""
    try:
        encoded = c.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return len(encoded) == 2 and 0xB0 <= encoded[0] <= 0xD7
