"""Chinese numerals as used in speech numbering (一、 第二， 十一是 二〇二四年)."""

from __future__ import annotations

DIGITS = "零一二三四五六七八九"
# Characters accepted as digits when reading; 两 and 〇 occur in real texts ("两个", "二〇二四年").
_DIGIT_VALUES = {c: i for i, c in enumerate(DIGITS)} | {"〇": 0, "○": 0, "两": 2}
_UNITS = {"十": 10, "百": 100, "千": 1000}
_MAX = 99_999_999


def to_chinese_numeral(n: int) -> str:
    """1 → "一", 10 → "十", 11 → "十一", 21 → "二十一", 105 → "一百零五", 0 → "零"."""
    if isinstance(n, bool) or not isinstance(n, int):
        raise TypeError(f"expected int, got {type(n).__name__}")
    if not 0 <= n <= _MAX:
        raise ValueError(f"{n} is outside 0..{_MAX}")
    if n == 0:
        return DIGITS[0]
    high, low = divmod(n, 10_000)
    if high:
        text = _below_10000(high) + "万"
        if low:
            # 10 005 → 一万零五: a gap in the thousands place is spoken as 零.
            text += ("零" if low < 1000 else "") + _below_10000(low, after_higher=True)
        return text
    return _below_10000(low)


def _below_10000(n: int, *, after_higher: bool = False) -> str:
    parts: list[str] = []
    pending_zero = False
    for unit_value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit, n = divmod(n, unit_value)
        if digit == 0:
            pending_zero = bool(parts)
            continue
        if pending_zero:
            parts.append("零")
            pending_zero = False
        # 10..19 are written 十, 十一 … without a leading 一 when nothing precedes them.
        if unit == "十" and digit == 1 and not parts and not after_higher:
            parts.append("十")
        else:
            parts.append(DIGITS[digit] + unit)
    return "".join(parts)


def to_chinese_ordinal(n: int) -> str:
    """3 → "第三"."""
    return "第" + to_chinese_numeral(n)


def from_chinese_numeral(s: str) -> int:
    """Inverse of :func:`to_chinese_numeral`; also reads "第一", "两", and digit strings like "二〇二四".

    Raises ValueError for anything that is not a Chinese numeral.
    """
    text = s.strip() if isinstance(s, str) else s
    if not isinstance(text, str) or not text:
        raise ValueError(f"not a Chinese numeral: {s!r}")
    if text.startswith("第"):
        text = text[1:]
        if not text:
            raise ValueError(f"not a Chinese numeral: {s!r}")
    if any(c not in _DIGIT_VALUES and c not in _UNITS and c != "万" for c in text):
        raise ValueError(f"not a Chinese numeral: {s!r}")
    if len(text) > 1 and all(c in _DIGIT_VALUES for c in text):
        # Digit-by-digit form used for years: 二〇二四 → 2024.
        value = 0
        for c in text:
            value = value * 10 + _DIGIT_VALUES[c]
        return value
    if "万" in text:
        high, _, low = text.partition("万")
        if not high or "万" in low:
            raise ValueError(f"not a Chinese numeral: {s!r}")
        return _parse_below_10000(high, s) * 10_000 + (_parse_below_10000(low, s) if low else 0)
    return _parse_below_10000(text, s)


def _parse_below_10000(text: str, original: str) -> int:
    total = 0
    digit: int | None = None
    last_unit = 10_000
    for c in text:
        if c in _DIGIT_VALUES:
            if digit is not None and digit != 0 and _DIGIT_VALUES[c] != 0:
                raise ValueError(f"not a Chinese numeral: {original!r}")
            digit = _DIGIT_VALUES[c]
            continue
        unit = _UNITS[c]
        if unit >= last_unit:
            raise ValueError(f"not a Chinese numeral: {original!r}")
        if digit is None:
            # Only 十 may stand alone at the start (十一 = 11); "百" alone is not a number.
            if unit != 10 or total:
                raise ValueError(f"not a Chinese numeral: {original!r}")
            digit = 1
        if digit == 0:
            raise ValueError(f"not a Chinese numeral: {original!r}")
        total += digit * unit
        digit = None
        last_unit = unit
    if digit is not None:
        total += digit
    elif not text:
        raise ValueError(f"not a Chinese numeral: {original!r}")
    return total
