import pytest

from speechdraft.text.numerals import from_chinese_numeral, to_chinese_numeral, to_chinese_ordinal

NUMERALS = [
    (0, "零"),
    (1, "一"),
    (2, "二"),
    (9, "九"),
    (10, "十"),
    (11, "十一"),
    (15, "十五"),
    (19, "十九"),
    (20, "二十"),
    (21, "二十一"),
    (40, "四十"),
    (99, "九十九"),
    (100, "一百"),
    (101, "一百零一"),
    (110, "一百一十"),
    (115, "一百一十五"),
    (1001, "一千零一"),
    (1010, "一千零一十"),
    (2024, "二千零二十四"),
    (10005, "一万零五"),
    (12345, "一万二千三百四十五"),
]


@pytest.mark.parametrize(("number", "numeral"), NUMERALS)
def test_to_chinese_numeral(number, numeral):
    assert to_chinese_numeral(number) == numeral


@pytest.mark.parametrize(("number", "numeral"), NUMERALS)
def test_from_chinese_numeral(number, numeral):
    assert from_chinese_numeral(numeral) == number


def test_every_number_below_twenty_thousand_round_trips():
    assert all(from_chinese_numeral(to_chinese_numeral(n)) == n for n in range(20_000))


@pytest.mark.parametrize(
    ("numeral", "number"),
    [
        ("第一", 1),
        ("第十", 10),
        ("第十二", 12),
        ("第二十三", 23),
        ("一十", 10),
        ("两", 2),
        ("两百", 200),
        ("二〇二四", 2024),
        ("一九九八", 1998),
        (" 三 ", 3),
    ],
)
def test_from_chinese_numeral_reads_ordinals_and_variant_forms(numeral, number):
    assert from_chinese_numeral(numeral) == number


@pytest.mark.parametrize(("number", "ordinal"), [(1, "第一"), (3, "第三"), (10, "第十"), (21, "第二十一")])
def test_to_chinese_ordinal(number, ordinal):
    assert to_chinese_ordinal(number) == ordinal


@pytest.mark.parametrize("text", ["", "第", "十十", "一二十", "百", "一百百", "零十", "三是", "1", "十万万"])
def test_from_chinese_numeral_rejects_non_numerals(text):
    with pytest.raises(ValueError):
        from_chinese_numeral(text)


@pytest.mark.parametrize("value", [-1, 100_000_000])
def test_to_chinese_numeral_rejects_out_of_range(value):
    with pytest.raises(ValueError):
        to_chinese_numeral(value)


def test_to_chinese_numeral_rejects_non_integers():
    with pytest.raises(TypeError):
        to_chinese_numeral(1.5)  # type: ignore[arg-type]
