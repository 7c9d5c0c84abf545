"""规范检查: rules a secretary checks by eye before a speech goes to the leader.

Every finding names its rule, a severity, a Chinese message, the span it concerns (Python str offsets
into the checked text) and, where one exists, a suggested replacement. Rules that depend on the
office (outdated formulations) come in as plain data, so the engine stays free of Django.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from datetime import date

import regex

from .counting import count_chars
from .genre import SENTENCE_END_CHARS
from .numerals import from_chinese_numeral, to_chinese_numeral
from .parser import ParsedSpeech, parse_speech
from .placeholders import (
    DISTRICT,
    KEY_KINDS,
    OTHER,
    PERSON,
    PLACE_UNITS,
    bind_placeholders,
    find_placeholders,
)

ERROR, WARNING, INFO = "error", "warning", "info"

_CJK = r"[\u3400-\u9fff]"
# Half-width marks between or right after Chinese characters; the value is the full-width mark.
_HALF_WIDTH = {",": "，", ";": "；", ":": "：", "?": "？", "!": "！", "(": "（", ")": "）"}
_HALF_WIDTH_RE = re.compile(rf"(?<={_CJK})[,;:?!()]|[,;:?!()](?={_CJK})")
_SENTENCE = re.compile(f"[^{SENTENCE_END_CHARS}\n]+[{SENTENCE_END_CHARS}]?")
_NOT_WORD = re.compile(r"[\s，。；：！？、“”‘’（）《》,.;:!?()\"']+")


@dataclass(frozen=True)
class Finding:
    rule: str
    severity: str
    message: str
    start: int
    end: int
    suggestion: str = ""

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class FormulationRule:
    """An outdated or wrong formulation the office wants flagged (edited by 管理员)."""

    pattern: str  # a plain phrase, or a regular expression when ``regex`` is set
    message: str
    suggestion: str = ""
    severity: str = WARNING
    regex: bool = False


def lint_text(
    text: str,
    *,
    formulations: Iterable[FormulationRule] = (),
    chars_per_minute: int = 200,
    max_minutes: float | None = None,
    speech_date: date | None = None,
    own_places: Iterable[str] = (),
    values: Mapping[str, str] | None = None,
    written: str | None = None,
) -> list[Finding]:
    """All findings for a speech's plain text, in text order (the length summary last).

    ``speech_date`` dates the formulations (today when not given); ``own_places`` are the speech's
    own 区名 and 地点, against which other places are reported; ``values`` are the placeholder
    values the speech was filled with, checked against the kind of their key; ``written`` is the
    text before filling, whose hand-bound placeholders are checked against their context.
    """
    parsed = parse_speech(text)
    findings = [
        *_placeholders(text),
        *_part_numbering(parsed),
        *_subpoint_numbering(parsed),
        *_announced_count(text, parsed),
        *_half_width(text),
        *_duplicate_sentences(text),
        *_formulations(text, formulations),
        *_outdated_by_date(text, speech_date or date.today()),
        *_foreign_places(text, [p for p in own_places if p]),
    ]
    findings.sort(key=lambda f: (f.start, f.end, f.rule))
    findings.extend(_value_kinds(values or {}))
    if written:
        findings.extend(_token_kinds(written))
    findings.append(_length(text, chars_per_minute, max_minutes))
    return findings


# "谈三点意见", "提几点要求", "讲以下四个方面": what the opening promises about the parts that follow.
_ANNOUNCED = re.compile(
    r"(?:谈|讲|提|说|提出|强调|交流|分享)(?:以下|如下)?(?P<num>[一二三四五六七八九十两几])(?:点|个方面)"
    r"(?:意见|要求|希望|看法|体会|建议|想法|认识)?"
)


def _announced_count(text: str, parsed: ParsedSpeech) -> list[Finding]:
    """The count a speech announces must be the number of parts it has."""
    if not parsed.parts:
        return []
    first_part = parsed.parts[0].start
    actual = len(parsed.parts)
    findings = []
    for m in _ANNOUNCED.finditer(text, 0, first_part):
        num = m.group("num")
        if num == "几":
            # "几点" promises more than one and no exact number; a single part reads wrong.
            if actual < 2:
                findings.append(
                    Finding(
                        "announced_count",
                        WARNING,
                        "这里说“几点”，正文却只有一个部分，请调整说法或补足部分。",
                        m.start(),
                        m.end(),
                    )
                )
            continue
        announced = 2 if num == "两" else from_chinese_numeral(num)
        if announced != actual:
            fixed = m.group().replace(num, to_chinese_numeral(actual), 1)
            findings.append(
                Finding(
                    "announced_count",
                    ERROR,
                    f"开头说“{m.group()}”，正文实际有{to_chinese_numeral(actual)}个部分，请统一。",
                    m.start(),
                    m.end(),
                    fixed,
                )
            )
    return findings


# Formulations that were right until a date and are outdated after it, unless the sentence speaks of
# them as history ("如期全面建成小康社会", "党的十九大以来").
_DATED = (
    (
        re.compile(r"全面建成小康社会"),
        date(2021, 7, 1),
        re.compile(r"(?:已经|如期|胜利|历史性|实现了|完成了|建成了|打赢|夺取了|决胜全面建成小康社会取得)$"),
        re.compile(r"^(?:目标(?:已经|如期)|取得|以来|之后|的历史性|的伟大胜利|胜利完成)"),
        "2021年7月已宣告全面建成小康社会，现在的任务是“全面建设社会主义现代化国家”；作为历史叙述时可保留。",
        "全面建设社会主义现代化国家",
    ),
    (
        re.compile(r"(?<![二])十九大(?!以来|以后|之后|召开)"),
        date(2022, 10, 22),
        re.compile(r"(?:自|从|党的十八大、|党的十八大和)$"),
        re.compile(r"^$"),
        "党的二十大已于2022年10月召开，作为现行要求应表述为“二十大”；回顾历史时请确认语境。",
        "二十大",
    ),
)


def _outdated_by_date(text: str, speech_date: date) -> list[Finding]:
    findings = []
    for pattern, since, history_before, history_after, message, suggestion in _DATED:
        if speech_date < since:
            continue
        for m in pattern.finditer(text):
            before, after = text[max(0, m.start() - 12) : m.start()], text[m.end() : m.end() + 8]
            if history_before.search(before) or (
                history_after.pattern != "^$" and history_after.search(after)
            ):
                continue
            findings.append(Finding("outdated_by_date", WARNING, message, m.start(), m.end(), suggestion))
    return findings


PROVINCES = [
    "北京",
    "天津",
    "上海",
    "重庆",
    "河北",
    "山西",
    "辽宁",
    "吉林",
    "黑龙江",
    "江苏",
    "浙江",
    "安徽",
    "福建",
    "江西",
    "山东",
    "河南",
    "湖北",
    "湖南",
    "广东",
    "海南",
    "四川",
    "贵州",
    "云南",
    "陕西",
    "甘肃",
    "青海",
    "台湾",
    "内蒙古",
    "广西",
    "西藏",
    "宁夏",
    "新疆",
    "香港",
    "澳门",
]
_PROVINCE_RE = re.compile("|".join(sorted(PROVINCES, key=len, reverse=True)))
# "区" names that are words of the genre, not another district: 全区, 辖区, 社区 …
_NOT_DISTRICTS = set(
    [
        "全区",
        "本区",
        "我区",
        "各区",
        "该区",
        "辖区",
        "社区",
        "园区",
        "景区",
        "城区",
        "新区",
        "地区",
        "山区",
        "片区",
        "市区",
        "郊区",
        "校区",
        "选区",
        "特区",
        "街区",
        "小区",
        "灾区",
        "老区",
        "边区",
        "矿区",
        "牧区",
        "林区",
        "县区",
        "开发区",
        "示范区",
        "试验区",
        "保护区",
        "功能区",
        "经济区",
    ]
)
_DISTRICT_RE = re.compile(r"(?<=[在到赴、和与及同对从])[一-鿿]{2,3}?区(?![委政人])")


def _foreign_places(text: str, own_places: list[str]) -> list[Finding]:
    """Places that are not the speech's own: facts left over from another office's speech."""
    if not own_places:
        return []
    own = "".join(own_places)
    findings = []
    for m in _PROVINCE_RE.finditer(text):
        if m.group() in own:
            continue
        findings.append(
            Finding(
                "foreign_place",
                WARNING,
                f"文中提到“{m.group()}”，与本讲话的地点（{'、'.join(own_places)}）不一致，"
                "请确认是否为外地讲话稿遗留的内容。",
                m.start(),
                m.end(),
            )
        )
    for m in _DISTRICT_RE.finditer(text):
        name = m.group()
        if name in _NOT_DISTRICTS or name[-2:] in _NOT_DISTRICTS or name in own or name[:-1] in own:
            continue
        findings.append(
            Finding(
                "foreign_place",
                WARNING,
                f"文中提到“{name}”，不是本讲话的区名（{'、'.join(own_places)}），请确认。",
                m.start(),
                m.end(),
            )
        )
    return findings


def _token_kinds(written: str) -> list[Finding]:
    """A placeholder bound by hand to a key whose kind its context contradicts (推动{{人名}}人大工作)."""
    findings = []
    for binding in bind_placeholders(written):
        if not binding.text.startswith("{{"):
            continue
        # What the rules would say of a bare redaction in the same place.
        probe = (
            written[max(0, binding.start - 12) : binding.start]
            + "**"
            + written[binding.end : binding.end + 12]
        )
        at = min(12, binding.start)
        guess = next((b for b in bind_placeholders(probe) if b.start == at), None)
        if guess is None or not guess.sure or guess.kind in (binding.kind, OTHER):
            continue
        findings.append(
            Finding(
                "placeholder_kind",
                WARNING,
                f"“…{probe[max(0, at - 8) : at]}{binding.text}{probe[at + 2 : at + 10]}…”这里看起来应是{guess.kind}"
                f"（{guess.rule}），却绑定到了“{binding.key}”（{binding.kind}），请在占位符面板中确认或改绑。",
                0,
                0,
            )
        )
    return findings


_PLACE_SUFFIX = tuple(PLACE_UNITS) + ("街道", "委", "局", "院")


def _value_kinds(values: Mapping[str, str]) -> list[Finding]:
    """Values that do not fit the kind of the key they fill: a place typed for 人名 and the like."""
    findings = []
    for key, value in values.items():
        kind = KEY_KINDS.get(key)
        wrong = ""
        if kind == PERSON and (value.endswith(_PLACE_SUFFIX) or any(p in value for p in PROVINCES)):
            wrong = "人名处填的像是地名或单位"
        elif kind == DISTRICT and (len(value) > 8 or re.search(r"同志|主任|书记", value)):
            wrong = "区名处填的不像区名"
        elif key in ("届次", "会次", "次数", "数字") and not re.fullmatch(
            r"[0-9０-９一二三四五六七八九十百千万两〇零]+", value
        ):
            wrong = "这里应填数字"
        if wrong:
            findings.append(
                Finding(
                    "placeholder_kind",
                    ERROR,
                    f"占位符“{key}”填的是“{value}”：{wrong}，请在占位符面板中改正或改绑。",
                    0,
                    0,
                )
            )
    return findings


def _placeholders(text: str) -> list[Finding]:
    return [
        Finding("placeholder", ERROR, f"占位符“{p.text}”尚未填写，请替换为实际内容。", p.start, p.end)
        for p in find_placeholders(text)
    ]


def _sequence_findings(rule: str, items: list[tuple[int, int, int, str]], label: str) -> list[Finding]:
    """Gaps and repeats in 一、二、三 style numbering; items are (number, start, end, marker)."""
    findings = []
    expected = 1
    for number, start, end, marker in items:
        if number == expected - 1 and number > 0:
            findings.append(
                Finding(
                    rule,
                    ERROR,
                    f"{label}编号“{marker}”与上一项重复。",
                    start,
                    end,
                    _renumbered(marker, number, expected),
                )
            )
        elif number != expected:
            findings.append(
                Finding(
                    rule,
                    ERROR,
                    f"{label}编号“{marker}”不连续，这里应为第{to_chinese_numeral(expected)}项。",
                    start,
                    end,
                    _renumbered(marker, number, expected),
                )
            )
        expected = max(expected, number) + 1 if number >= expected else expected + 1
    return findings


def _renumbered(marker: str, number: int, expected: int) -> str:
    old, new = to_chinese_numeral(number), to_chinese_numeral(expected)
    return marker.replace(old, new, 1) if old in marker else ""


def _part_numbering(parsed: ParsedSpeech) -> list[Finding]:
    items = [(p.number, p.start, p.start + len(p.marker), p.marker) for p in parsed.parts]
    return _sequence_findings("part_numbering", items, "部分")


def _subpoint_numbering(parsed: ParsedSpeech) -> list[Finding]:
    findings = []
    for part in parsed.parts:
        items = [(s.number, s.start, s.start + len(s.marker), s.marker) for s in part.subpoints if s.number]
        findings.extend(_sequence_findings("subpoint_numbering", items, "分项"))
    return findings


def _half_width(text: str) -> list[Finding]:
    return [
        Finding(
            "half_width_punctuation",
            WARNING,
            f"中文句子中使用了半角标点“{m.group()}”，应使用全角“{_HALF_WIDTH[m.group()]}”。",
            m.start(),
            m.end(),
            _HALF_WIDTH[m.group()],
        )
        for m in _HALF_WIDTH_RE.finditer(text)
    ]


def _duplicate_sentences(text: str) -> list[Finding]:
    seen: dict[str, int] = {}
    findings = []
    for m in _SENTENCE.finditer(text):
        key = _NOT_WORD.sub("", m.group())
        if len(key) < 10:
            continue  # short sentences (口号, 各位代表) repeat on purpose
        if key in seen:
            findings.append(
                Finding(
                    "duplicate_sentence",
                    WARNING,
                    f"这句话与前文第 {seen[key]} 字处的句子重复，请确认是否需要保留。",
                    m.start(),
                    m.end(),
                )
            )
        else:
            seen[key] = m.start()
    return findings


# A 管理员's regular expression runs on every check of every speech; one with catastrophic
# backtracking ("(代|代)+$") must cost at most this, not minutes. The regex package enforces it.
FORMULATION_TIMEOUT_SECONDS = 0.5


def _formulations(text: str, rules: Iterable[FormulationRule]) -> list[Finding]:
    findings = []
    for rule in rules:
        try:
            pattern = regex.compile(rule.pattern if rule.regex else regex.escape(rule.pattern))
        except regex.error:
            continue  # a broken office rule must not break the check; the admin form validates it
        try:
            matches = [m.span() for m in pattern.finditer(text, timeout=FORMULATION_TIMEOUT_SECONDS)]
        except TimeoutError:
            continue  # the admin form refuses such patterns; one saved earlier is skipped, not waited on
        for start, end in matches:
            findings.append(Finding("formulation", rule.severity, rule.message, start, end, rule.suggestion))
    return findings


def _length(text: str, chars_per_minute: int, max_minutes: float | None) -> Finding:
    chars = count_chars(text)
    minutes = chars / max(1, chars_per_minute)
    message = (
        f"全文约 {chars} 字（不含标点），按每分钟 {chars_per_minute} 字计，讲话约需 {minutes:.0f} 分钟。"
    )
    if max_minutes is not None and minutes > max_minutes:
        return Finding(
            "length", WARNING, message + f"超过预定的 {max_minutes:.0f} 分钟，建议压缩。", 0, len(text)
        )
    return Finding("length", INFO, message, 0, len(text))
