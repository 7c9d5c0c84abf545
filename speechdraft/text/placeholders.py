"""Redaction placeholders left in source speeches (**, ×区, XX, 某某 …): where they are and what they stand for.

Each run of placeholder characters is its own placeholder: "区×届人大×次会议" gives two "×"
placeholders, "**区" gives "**". The surrounding unit (区, 届) stays ordinary text, because the
value a user fills in replaces only the redacted name or number.

A bare ``**`` means different things in one speech — a person (``**同志``), a district
(``推动**人大工作``), a meeting place (``在**召开``), part of a slogan (``幸福*•魅力新**``) — so every
occurrence is *bound* on its own to a key (区名, 人名, 地点 …) of a kind, by the rules below, with a
confidence. A value fills exactly the occurrences bound to its key, never the others.

Where a user or a template author has decided, the text holds a typed token instead of the raw
redaction: ``{{人名}}`` or ``{{通报人|人名}}`` (key, then kind). The token stays in the stored text and
only the printed text shows the value, so a later change of the value still applies.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# The kinds a placeholder can stand for; the order is the one the 占位符 panel offers them in.
PERSON, TITLE, ORGANISATION, DISTRICT, PLACE = "人名", "职务", "单位", "区/县/市名", "地名"
DATE, SESSION, COUNT, NUMBER, OTHER = "日期", "届次", "次数", "数字", "其他"
KINDS = (PERSON, TITLE, ORGANISATION, DISTRICT, PLACE, DATE, SESSION, COUNT, NUMBER, OTHER)

# Bound with this confidence or more, an occurrence is filled without asking; below it the panel
# and the export guard list it for confirmation.
SURE = 0.8


@dataclass(frozen=True)
class Placeholder:
    start: int
    end: int
    text: str
    # "asterisk" (* ＊), "cross" (× X x), "mou" (某某, 某区), "blank" (○ □ ＿), "token" ({{区名}}):
    # the form of the redaction, which lets lint and the editor say what kind of value is missing.
    kind: str = ""


@dataclass(frozen=True)
class Binding:
    """One occurrence bound to the key it is filled under."""

    start: int
    end: int
    text: str  # the occurrence as written: "**", "×", "{{人名}}"
    key: str  # what a value is stored under: "区名", "人名", "届次", or the raw text when unknown
    kind: str  # one of KINDS
    confidence: float  # 1.0 for a typed token or an unmistakable form, lower for a guess from context
    rule: str  # which rule decided, shown to whoever confirms it
    context: str = ""  # a few characters either side, for the panel and the export guard

    @property
    def sure(self) -> bool:
        return self.confidence >= SURE


# Administrative units after a single 某 make it a redaction ("某区", "某镇", "某市"); everything
# else after 某 (某些, 某种, 某个, 某一, 某市场) is ordinary vocabulary and must not be reported.
_MOU_UNITS = "省区县镇乡街村州旗"

_TOKEN = r"\{\{(?P<token_key>[^{}|\n]{1,20})(?:\|(?P<token_kind>[^{}|\n]{1,10}))?\}\}"

_PATTERN = re.compile(
    _TOKEN + r"|(?P<asterisk>[*＊]+)"
    r"|(?P<cross>[×✕✖╳]+)"
    # Latin X/x only when not part of a Latin word or a number ("XXL", "Xbox", "3x"), and not the
    # established words X光 / X射线.
    r"|(?P<latin>(?<![A-Za-z0-9０-９])[XxＸｘ]+(?![A-Za-z0-9０-９])(?!光|射线))"
    r"|(?P<mou>某某+|某(?=[" + _MOU_UNITS + r"]|市(?!场)))"
    r"|(?P<blank>[○□]+|[_＿]{2,})"
)


def find_placeholders(text: str) -> list[Placeholder]:
    """All placeholders in ``text`` in order; offsets are Python string offsets into ``text``."""
    found = []
    for match in _PATTERN.finditer(text):
        kind = match.lastgroup or ""
        if kind in ("token_key", "token_kind"):
            kind = "token"
        found.append(
            Placeholder(
                start=match.start(),
                end=match.end(),
                text=match.group(),
                kind="cross" if kind == "latin" else kind,
            )
        )
    return found


def make_token(key: str, kind: str = "") -> str:
    """The typed token an occurrence is rewritten to when someone binds it by hand."""
    return f"{{{{{key}|{kind}}}}}" if kind and kind != KEY_KINDS.get(key) else f"{{{{{key}}}}}"


# A placeholder right before one of these units names a place: "×区", "**区", "某县". Every such
# placeholder is the same blank whatever characters redact it, so one value (区名) fills them all.
PLACE_UNITS = {
    "区": "区名",
    "县": "县名",
    "市": "市名",
    "镇": "镇名",
    "乡": "乡名",
    "街": "街道名",
    "村": "村名",
    "省": "省名",
    "州": "州名",
}

# The kind each well-known key stands for; a token naming one of these needs no explicit kind.
KEY_KINDS = {
    "区名": DISTRICT,
    "县名": DISTRICT,
    "市名": DISTRICT,
    "镇名": PLACE,
    "乡名": PLACE,
    "街道名": PLACE,
    "村名": PLACE,
    "省名": PLACE,
    "州名": PLACE,
    "地点": PLACE,
    "人名": PERSON,
    "职务": TITLE,
    "单位": ORGANISATION,
    "日期": DATE,
    "届次": SESSION,
    "会次": COUNT,
    "次数": COUNT,
    "数字": NUMBER,
    "口号": OTHER,
}

# The keys the 占位符 panel offers when an occurrence is rebound by hand, one per common kind.
COMMON_KEYS = ("人名", "职务", "单位", "区名", "地点", "日期", "届次", "会次", "数字", "口号")


@dataclass(frozen=True)
class _Rule:
    name: str
    before: re.Pattern[str] | None  # must match the text just before the occurrence (search at end)
    after: re.Pattern[str] | None  # must match the text just after it (match at start)
    key: str
    confidence: float


def _rule(name: str, before: str | None, after: str | None, key: str, confidence: float) -> _Rule:
    return _Rule(
        name,
        re.compile(f"(?:{before})$") if before else None,
        re.compile(after) if after else None,
        key,
        confidence,
    )


# Context rules for a redaction that is not followed by a place unit, tried in order; the first that
# matches decides. They come from how this genre writes: a person is followed by 同志 or a title, a
# meeting place by 召开/举行, the district used as an attribute by 人大/经济社会/高质量发展.
_RULES = (
    _rule("届次：“×届”", None, r"届", "届次", 1.0),
    _rule("会次：“×次会议”", r"届(?:人大|人民代表大会)?(?:常委会)?第?", r"次", "会次", 1.0),
    _rule("次数：“×次”", None, r"次", "次数", 0.9),
    _rule("日期：后接年/月/日", None, r"[年月日号]", "日期", 0.9),
    _rule(
        "数字：后接计量单位或百分号",
        None,
        r"(?:名|人(?![大民])|件|个|条|项|%|％|万|亿|元|家|所|户)",
        "数字",
        0.85,
    ),
    _rule("人名：后接“同志”", None, r"同志", "人名", 1.0),
    _rule(
        "人名：后接职务称谓",
        None,
        r"(?:副?(?:主任|书记|区长|县长|市长|主席|秘书长|部长|局长|委员长))",
        "人名",
        0.9,
    ),
    _rule("人名：由某人主持、讲话", r"(?:由|请|邀请)", r"(?:主持|讲话|发言|作)", "人名", 0.85),
    _rule("口号：紧挨间隔号", None, r"[•·・]", "口号", 0.6),
    _rule("口号：紧挨间隔号", r"[•·・][\u4e00-\u9fff]{0,4}", None, "口号", 0.6),
    _rule("地点：在…召开/举行", r"(?:在|于|到|赴)", r"(?:召开|举行|举办|开展|进行|顺利)", "地点", 0.9),
    _rule(
        "区名：作定语修饰本地工作",
        None,
        r"(?:人大|经济|社会|高质量|改革|发展|各项|人民|全区|党委|区委|大局|建设|的发展)",
        "区名",
        0.85,
    ),
    _rule(
        "区名：推动/助力/服务…的对象",
        r"(?:推动|助力|服务|建设|促进|为|全|新|认识)",
        None,
        "区名",
        0.6,
    ),
    _rule(
        "单位：后接机构名称",
        None,
        r"(?:局|委员会|委|办公室|办|院|中心|公司|学校|街道|部门|单位)",
        "单位",
        0.8,
    ),
)

_CONTEXT = 10


def _kind_of_key(key: str) -> str:
    return KEY_KINDS.get(key, OTHER)


def _bind_one(text: str, p: Placeholder) -> Binding:
    context = text[max(0, p.start - _CONTEXT) : p.end + _CONTEXT]
    if p.kind == "token":
        match = _PATTERN.match(text, p.start)
        assert match is not None
        key = match.group("token_key").strip()
        kind = (match.group("token_kind") or "").strip()
        kind = kind if kind in KINDS else _kind_of_key(key)
        return Binding(p.start, p.end, p.text, key, kind, 1.0, "已确认", context)
    unit = text[p.end : p.end + 1]
    if unit in PLACE_UNITS:
        key = PLACE_UNITS[unit]
        return Binding(
            p.start, p.end, p.text, key, _kind_of_key(key), 1.0, f"形式：“{p.text}{unit}”", context
        )
    before, after = text[max(0, p.start - 12) : p.start], text[p.end : p.end + 12]
    for rule in _RULES:
        if rule.before is not None and not rule.before.search(before):
            continue
        if rule.after is not None and not rule.after.match(after):
            continue
        return Binding(
            p.start, p.end, p.text, rule.key, _kind_of_key(rule.key), rule.confidence, rule.name, context
        )
    # Nothing in the context says what this is: its own text is its key, as before typed placeholders,
    # and the panel asks the user to say what it stands for.
    return Binding(p.start, p.end, p.text, p.text, OTHER, 0.2, "无法判断", context)


def bind_placeholders(text: str) -> list[Binding]:
    """Every placeholder of ``text`` in order, each bound to the key its value is stored under."""
    return [_bind_one(text, p) for p in find_placeholders(text)]


def normalise_value(key: str, value: str) -> str:
    """People type "云岩区" for 区名; the 区 after the placeholder is already in the text."""
    value = (value or "").strip()
    for unit, name in PLACE_UNITS.items():
        if key == name and len(value) > 1 and value.endswith(unit):
            return value[: -len(unit)]
    return value


def printed_value(text: str, binding: Binding, value: str) -> str:
    """What an occurrence prints as once ``value`` is filled in.

    Values of place keys are stored without their unit ("海淀" for 区名) because ``×区`` keeps its 区
    in the text; an occurrence bound to 区名 from context (``推动**人大工作``) has no unit after it and
    prints the unit with the value.
    """
    for unit, name in PLACE_UNITS.items():
        if binding.key == name and text[binding.end : binding.end + 1] != unit and not value.endswith(unit):
            return value + unit
    return value


# --- facts of the source speech ------------------------------------------------------------------

_ARABIC = r"[0-9０-９]+(?:[.．][0-9０-９]+)?"
_CN_NUM = "[一二三四五六七八九十百千两]+"
_PROVINCE_NAMES = (
    "北京|天津|上海|重庆|河北|山西|辽宁|吉林|黑龙江|江苏|浙江|安徽|福建|江西|山东|河南|湖北|湖南|广东|"
    "海南|四川|贵州|云南|陕西|甘肃|青海|台湾|内蒙古|广西|西藏|宁夏|新疆"
)


@dataclass(frozen=True)
class Fact:
    """A fact of the speech a template was made from, which another office's speech must not repeat."""

    start: int
    end: int
    text: str
    reason: str
    # What the fact becomes in the template: the typed token replacing the part in ``start:end``
    # (e.g. "{{日期}}"), or "" when only a person can decide (a named campaign, an outdated phrase).
    replacement: str = ""


_FACT_RULES: tuple[tuple[re.Pattern[str], str, str], ...] = (
    (
        re.compile(
            r"[0-9０-９]{4}年(?:[0-9０-９]{1,2}月(?:[0-9０-９]{1,2}日)?)?|[0-9０-９]{1,2}月[0-9０-９]{1,2}日"
        ),
        "具体日期",
        "{{日期}}",
    ),
    (re.compile(rf"{_ARABIC}\s*[%％]|百分之{_CN_NUM}"), "百分比", "{{比例|数字}}"),
    (
        re.compile(rf"(?<![0-9０-９]){_ARABIC}(?=\s*(?:名|人|件|个|条|项|次|家|所|户|万|亿|元))"),
        "具体数量",
        "{{数字}}",
    ),
    (re.compile(rf"(?<=区|县|市)(?:第)?{_CN_NUM}(?=届)"), "届次", "{{届次}}"),
    (re.compile(rf"(?<=[第届]){_CN_NUM}(?=次(?:全体)?会议)"), "会次", "{{会次}}"),
    (re.compile(rf"(?:{_PROVINCE_NAMES})(?:省|市|自治区)?"), "外省地名", "{{省名|地名}}"),
    (re.compile(r"“[^“”\n]{2,14}”(?=主题活动|活动|行动|工程|专项)"), "具名活动", ""),
    (re.compile(r"(?:区|县|市)第?[一二三四五六七八九十]+次党代会"), "本地会议", ""),
    (re.compile(r"全面建成小康社会|党的十九大|十九届[一二三四五六七]中全会"), "可能过时的表述", ""),
)


def find_source_facts(text: str) -> list[Fact]:
    """Dates, counts, percentages, 届次, other provinces, named campaigns and dated formulations."""
    facts: list[Fact] = []
    taken: list[tuple[int, int]] = []
    for pattern, reason, replacement in _FACT_RULES:
        for m in pattern.finditer(text):
            if any(a < m.end() and m.start() < b for a, b in taken):
                continue
            taken.append((m.start(), m.end()))
            facts.append(Fact(m.start(), m.end(), m.group(), reason, replacement))
    facts.sort(key=lambda f: f.start)
    return facts


def facts_to_placeholders(text: str) -> tuple[str, int]:
    """``text`` with every fact that has a typed token replaced by it; returns (text, how many)."""
    out, pos, count = [], 0, 0
    for fact in find_source_facts(text):
        if not fact.replacement:
            continue
        out.append(text[pos : fact.start])
        out.append(fact.replacement)
        pos = fact.end
        count += 1
    out.append(text[pos:])
    return "".join(out), count


__all__ = [
    "Fact",
    "find_source_facts",
    "facts_to_placeholders",
    "KINDS",
    "SURE",
    "Binding",
    "Placeholder",
    "bind_placeholders",
    "find_placeholders",
    "make_token",
    "normalise_value",
    "printed_value",
]
