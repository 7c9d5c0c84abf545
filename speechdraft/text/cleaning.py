"""Cleaning of imported text: whitespace normalisation and removal of template-site noise lines.

Also the character-level simplified "shadow" the parser matches against, so that a speech
written in traditional characters (同志們) is recognised while its stored text stays as written.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from .genre import LINE_BREAKS, SENTENCE_END_CHARS, is_date_line, is_salutation, is_title_line

# Hanzi (BMP blocks and the supplementary planes) and CJK punctuation, for space removal.
HANZI = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
CJK_PUNCT = "\u3001-\u303f\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65“”‘’…—·•"

_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"))
# Python's \s covers every Unicode space (\u00a0, \u3000, \u2002 …); lines hold no newline here.
_SPACES = re.compile(r"\s+")
# Control characters that are not whitespace (\x07, \x7f, C1 controls).
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1b\x7f-\x9f]")
_SPACE_NEAR_PUNCT = re.compile(rf"\s+(?=[{CJK_PUNCT}])|(?<=[{CJK_PUNCT}])\s+")
_SPACE_BETWEEN_HANZI = re.compile(rf"(?<=[{HANZI}])\s+(?=[{HANZI}])")
_PROSE_PUNCT = re.compile(r"[，。；！？]")

# Phrases that only template/reseller sites write; a short line containing one is noise anywhere
# in the file. Each is narrow enough not to hit a speech's own headings ("加强微信平台建设",
# "推行扫码签到", "关注区人大公众号").
_AD_PHRASES = re.compile(
    r"仅供学习|禁止外传|会员群|会员资料|会员材料|打击倒卖活动|举报倒卖|倒卖会员|[QＱ]{2}群|"
    r"(?:微信群|公众号|微信号)\s*[：:]|添?加微信|免费赠送|立享|扫一扫|侵权必究|下载更多|"
    r"扫码(?:关注|加|进群|入群|领取|购买|获取|下载)|更多资料.{0,4}(?:关注|扫|加|群|下载)|"
    # The furniture of a reposted news or WeChat article: the staff credits and source line it opens
    # or closes with, its prompts to follow, like and share, its reading-time note and "END". A speech
    # never starts a line with "编辑：", and says none of these in a line of its own.
    r"^[（(【\[]?\s*(?:责任编辑|编辑|审核|审校|校对|排版|美编|终审|初审|复审|来源|稿源|供稿|撰稿|摄影|"
    r"图片来源|监制|出品)\s*[：:｜|]|点击上方|点击蓝字|蓝字关注|长按(?:识别)?(?:二维码|图片)|识别(?:图中)?二维码|"
    r"点个?在看|点赞(?:转发|分享|在看)|(?:转发|分享)给(?:更多的?)?(?:朋友|好友)们?吧?[。！!]?$|小编|"
    r"往期(?:推荐|回顾|精彩)|阅读原文|猜你喜欢|请勿转载|禁止转载|未经(?:授权|许可).{0,6}转载|"
    r"^(?:推荐阅读|相关阅读|延伸阅读|精彩推荐)\s*(?:[：:]|$)|建议阅读\s*\d+\s*分钟|(?:本文|全文)共计?\s*\d+\s*字|"
    r"^[-—–_=*·\s]*END[-—–_=*·\s]*$",
    re.IGNORECASE,
)
# Lines that only a template or reseller site writes, recognised by their shape rather than by a site
# name: an address, a signature ("本文由…整理发布"), an invitation to the site ("更多精彩范文请访问"), a
# group or account to join, a download prompt. A short line with one is removed wherever it stands;
# in a long line, only the sentences carrying one at its start or end (a signature glued to the last
# paragraph). Speeches talk about 网站, 公众号, 微信 and 下载 too ("加强门户网站和微信公众号建设",
# "关注区人大公众号"): those words alone never count.
_SITE_SHAPE = re.compile(
    r"(?:[Hh][Tt][Tt][Pp][Ss]?://|[Ww][Ww][Ww]\.)\S+|"
    r"(?<![A-Za-z0-9.])[A-Za-z0-9][A-Za-z0-9-]{1,30}\.(?:com|cn|net|org|cc|top|vip|xyz|COM|CN|NET|ORG)(?![A-Za-z0-9])|"
    r"范文网|公文网|文秘网|写作网|范文大全|范文之家|第一范文|精品范文|范文下载|"
    r"更多精彩|更多范文|更多资料|更多(?:优秀|相关)?(?:文章|范文|内容)(?:请|敬请|欢迎|尽在)|"
    r"(?:请|欢迎|敬请)(?:访问|登录|登陆|浏览)|本文由|本文来[自源]|文章来源|来源于网络|"
    r"原文(?:链接|地址)|转载请(?:注明|保留)|版权归原作者|如有侵权|联系删除|整理发布|"
    r"[QＱqｑ]{1,2}群|扣扣群|(?:微信)?公众号\s*[：:「“『]|搜索(?:微信)?公众号|"
    r"(?:百度|道客|豆丁|原创力)文库|下载地址|免费下载|点击(?:下载|查看|阅读)|下载本文|阅读全文|全文下载|"
    r"下载\s*[Ww][Oo][Rr][Dd]|[Ww][Oo][Rr][Dd]\s*版|(?:本文|全文)共\s*\d+\s*字|"
    # A reposted article's source and staff credits, in brackets or opening a sentence of their own.
    r"[（(【\[]\s*(?:来源|稿源|责任编辑|编辑|审核|校对)\s*[：:]|"
    r"(?:^|(?<=[。！？!?]))\s*(?:来源|稿源|责任编辑)\s*[：:]"
)
# Literals at least one of which every _SITE_SHAPE match contains: a line holding none is skipped
# without running the (long, slow) alternation over it.
_SITE_KEYS = (
    "://",
    "www",
    "WWW",
    ".com",
    ".cn",
    ".net",
    ".org",
    ".cc",
    ".top",
    ".vip",
    ".xyz",
    ".COM",
    ".CN",
    ".NET",
    ".ORG",
    "范文",
    "公文网",
    "文秘网",
    "写作网",
    "更多",
    "访问",
    "登录",
    "登陆",
    "浏览",
    "本文",
    "文章来源",
    "来源于网络",
    "原文",
    "转载请",
    "版权归原作者",
    "侵权",
    "联系删除",
    "整理发布",
    "Q群",
    "Ｑ群",
    "q群",
    "ｑ群",
    "扣扣群",
    "公众号",
    "文库",
    "下载",
    "点击",
    "阅读全文",
    "ord",
    "ORD",
    "全文共",
    "来源",
    "稿源",
    "编辑",
    "审核",
    "校对",
)
_SENTENCES = re.compile(f"[^{SENTENCE_END_CHARS}]*(?:[{SENTENCE_END_CHARS}]+|$)")

# Weaker signs of an advertising block; only trusted in the block above the title/salutation.
_AD_HINTS = re.compile(r"会员|订阅|公众号|微信|[QＱ]{2}|资料|分享|平台|权益|迭代|广告|下载", re.IGNORECASE)
_AD_LINE_MAX = 60
# The title or salutation is expected within this many lines; beyond it there is no leading block.
_LEADING_BLOCK_MAX = 40


@dataclass(frozen=True)
class CleanedText:
    text: str  # normalised lines joined with "\n", no blank lines
    removed_lines: tuple[str, ...]  # noise lines as they appeared (outer whitespace stripped)


def clean_text(text: str) -> CleanedText:
    raw_lines = LINE_BREAKS.split(text)
    lines = [(raw.strip(), normalise_line(raw)) for raw in raw_lines]
    lines = [(raw, clean) for raw, clean in lines if clean]
    noise = _leading_noise(lines) | {
        i for i, (_, clean) in enumerate(lines) if len(clean) <= _AD_LINE_MAX and _AD_PHRASES.search(clean)
    }
    kept: list[str] = []
    removed: list[str] = []
    for i, (raw, clean) in enumerate(lines):
        if i in noise:
            removed.append(raw)
            continue
        rest, cut = _without_site_sentences(clean)
        if not rest:  # the whole line is the site's
            removed.append(raw)
        else:
            removed.extend(cut)
            kept.append(rest)
    return CleanedText(text="\n".join(kept), removed_lines=tuple(removed))


def _without_site_sentences(line: str) -> tuple[str, list[str]]:
    """A line without the site sentences at its start or end: (what stays, what was cut). A site
    sentence between two sentences of the speech is left alone: that is not where sites put them."""
    if not any(key in line for key in _SITE_KEYS) or not _SITE_SHAPE.search(line):
        return line, []
    sentences = [s for s in _SENTENCES.findall(line) if s]
    first, last = 0, len(sentences)
    while first < last and _SITE_SHAPE.search(sentences[first]):
        first += 1
    while last > first and _SITE_SHAPE.search(sentences[last - 1]):
        last -= 1
    cut = [s.strip() for s in sentences[:first] + sentences[last:]]
    return "".join(sentences[first:last]).strip(), cut


def normalise_line(line: str) -> str:
    """One line with Unicode spaces unified, zero-width and control characters dropped, stripped."""
    line = _CONTROL.sub("", line.translate(_ZERO_WIDTH))
    line = _SPACES.sub(" ", line).strip()
    line = _SPACE_NEAR_PUNCT.sub("", line)
    # In prose a space between hanzi is an artefact of copying from PDF or the web; in a short
    # layout line (a speaker line "主任 张三", a spaced title "讲 话") it separates words.
    if _PROSE_PUNCT.search(line) or len(line) > 40:
        line = _SPACE_BETWEEN_HANZI.sub("", line)
    return line


def _leading_noise(lines: list[tuple[str, str]]) -> set[int]:
    """Indexes of the advertising block above the title or salutation (seed 004's first lines).

    Short brand lines there ("酷乐文行") carry no keyword, so the whole block goes once it shows
    any sign of advertising; a block without such a sign is left alone, because it may be the
    speech's own title.
    """
    anchor = None
    for i, (_, clean) in enumerate(lines[:_LEADING_BLOCK_MAX]):
        if _AD_PHRASES.search(clean):
            continue
        shadow = simplified_shadow(clean)
        if is_title_line(shadow):
            anchor = i
            break
        if is_salutation(shadow):
            anchor = i
            # The line just above a salutation may be a title without 讲话 in it; keep it unless
            # it is itself an advertisement.
            if i and not _AD_HINTS.search(lines[i - 1][1]) and not _PROSE_PUNCT.search(lines[i - 1][1]):
                anchor = i - 1
            break
    if not anchor:
        return set()
    block = range(anchor)
    if not any(_AD_HINTS.search(lines[i][1]) or _AD_PHRASES.search(lines[i][1]) for i in block):
        return set()
    return {i for i in block if not is_date_line(lines[i][1])}


@functools.cache
def _t2s():
    from opencc import OpenCC  # noqa: PLC0415 — optional heavy import, loaded on first use

    return OpenCC("t2s")


@functools.lru_cache(maxsize=16384)
def simplify_char(c: str) -> str:
    """Simplified form of one character, or the character itself (never changes the length)."""
    if c < "\u3400":
        return c
    converted = _t2s().convert(c)
    return converted if len(converted) == 1 else c


def simplified_shadow(text: str) -> str:
    """``text`` with each character simplified; same length, so offsets carry over unchanged."""
    return "".join(map(simplify_char, text))
