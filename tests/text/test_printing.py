"""How a speech prints: numbering, run-in headings, placeholder filling, offsets. No database."""

from datetime import date

import pytest

from speechdraft.text.parser import parse_speech
from speechdraft.text.printing import (
    SectionData,
    normalise_value,
    part_marker,
    placeholder_uses,
    print_speech,
    speaking_time,
    split_marked_heading,
)

SECTIONS = [
    SectionData(1, "salutation", body="各位代表、同志们："),
    SectionData(2, "opening", body="开场第一段，在×区召开。\n\n开场第二段。"),
    SectionData(3, "part", heading="提高认识，增强责任感", body="宪法规定，一切权力属于人民。\n第二段落。"),
    SectionData(4, "part", heading="认真履职。", body="一是要参与决策。二是要监督。"),
    SectionData(5, "closing", body="同志们，让我们共同努力！"),
]


@pytest.mark.parametrize(
    ("number", "numbering", "marker"),
    [(1, "yi", "一、"), (3, "yi", "三、"), (11, "yi", "十一、"), (2, "di", "第二、"), (10, "di", "第十、")],
)
def test_part_marker_follows_numbering_style(number, numbering, marker):
    assert part_marker(number, numbering) == marker


def test_run_in_print_reads_like_seed_004():
    printed = print_speech(
        title="在全区人大代表培训班上的讲话", speaker="张主任", date=date(2024, 7, 20), sections=SECTIONS
    )
    assert printed.text.split("\n") == [
        "在全区人大代表培训班上的讲话",
        "张主任",
        "（2024年7月20日）",
        "各位代表、同志们：",
        "开场第一段，在×区召开。",
        "开场第二段。",
        "一、提高认识，增强责任感。宪法规定，一切权力属于人民。",
        "第二段落。",
        "二、认真履职。一是要参与决策。二是要监督。",
        "同志们，让我们共同努力！",
    ]
    assert [p.kind for p in printed.paragraphs][:4] == ["title", "subtitle", "subtitle", "salutation"]
    run_in = printed.paragraphs[6]
    assert run_in.kind == "run_in"
    assert "".join(r.text for r in run_in.heading) == "一、提高认识，增强责任感。"


def test_own_line_print_puts_heading_on_its_own_paragraph():
    printed = print_speech(title="座谈会讲话", sections=SECTIONS, numbering="di", run_in=False)
    lines = printed.text.split("\n")
    assert "第一、提高认识，增强责任感" in lines
    assert lines[lines.index("第一、提高认识，增强责任感") + 1] == "宪法规定，一切权力属于人民。"
    assert "第二、认真履职。" in lines


def test_reordering_sections_renumbers_parts():
    reordered = [SECTIONS[0], SECTIONS[1], SECTIONS[3], SECTIONS[2], SECTIONS[4]]
    printed = print_speech(title="", sections=reordered)
    assert [s.marker for s in printed.sections] == ["", "", "一、", "二、", ""]
    assert "一、认真履职。" in printed.text


def test_spans_point_at_each_sections_text():
    printed = print_speech(title="标题", speaker="张三", sections=SECTIONS)
    by_key = {key: printed.text[start:end] for key, start, end in printed.spans()}
    assert by_key[1] == "各位代表、同志们："
    assert by_key[2] == "开场第一段，在×区召开。\n开场第二段。"
    assert by_key[3].startswith("一、提高认识") and by_key[3].endswith("第二段落。")
    assert by_key[5] == "同志们，让我们共同努力！"


def test_empty_section_has_an_empty_span_and_no_characters():
    sections = [
        SectionData(1, "opening", body="开场。"),
        SectionData(2, "opening", body="  \n"),
        SectionData(3, "closing", body="完。"),
    ]
    printed = print_speech(title="", sections=sections)
    empty = printed.sections[1]
    assert empty.start == empty.end and empty.chars == 0
    assert printed.text == "开场。\n完。"


def test_parse_speech_reads_back_the_printed_parts():
    for run_in in (True, False):
        printed = print_speech(
            title="在全区人大代表培训班上的讲话", date=date(2024, 7, 20), sections=SECTIONS, run_in=run_in
        )
        parsed = parse_speech(printed.text)
        assert [p.marker for p in parsed.parts] == ["一、", "二、"]
        assert parsed.parts[0].run_in is run_in
        assert parsed.salutation == "各位代表、同志们："
        assert parsed.closing == "同志们，让我们共同努力！"
        assert parsed.title == "在全区人大代表培训班上的讲话"


def test_place_placeholders_share_one_value_and_numbers_do_not_take_it():
    sections = [SectionData(1, "opening", body="在×区、**区和某区召开区×届人大×次会议，**同志出席。")]
    printed = print_speech(title="", sections=sections, values={"区名": "云岩", "届次": "九"})
    assert printed.text == "在云岩区、云岩区和云岩区召开区九届人大×次会议，**同志出席。"
    marks = [(r.text, r.mark) for r in printed.paragraphs[0].body if r.mark]
    assert marks == [
        ("云岩", "filled"),
        ("云岩", "filled"),
        ("云岩", "filled"),
        ("九", "filled"),
        ("×", "placeholder"),
        ("**", "placeholder"),
    ]
    # The panel still lists filled names, so that a value can be changed later.
    assert [(u.key, u.count) for u in printed.placeholders] == [
        ("区名", 3),
        ("届次", 1),
        ("会次", 1),
        ("人名", 1),
    ]


def test_placeholder_uses_group_by_name_with_counts_and_an_example():
    sections = [
        SectionData(1, "opening", body="在×区召开。**同志讲话。"),
        SectionData(2, "closing", body="为×区作贡献！"),
    ]
    uses = placeholder_uses(print_speech(title="", sections=sections))
    assert [(u.key, u.count) for u in uses] == [("区名", 2), ("人名", 1)]
    assert "×区" in uses[0].example


def test_district_value_typed_with_its_unit_is_not_doubled():
    assert normalise_value("区名", "云岩区") == "云岩"
    assert normalise_value("区名", "区") == "区"
    assert normalise_value("**", " 张三 ") == "张三"


def test_split_marked_heading_run_in_and_own_line():
    assert split_marked_heading("一、提高认识，增强责任感。宪法规定，一切。\n第二段") == (
        "提高认识，增强责任感。",
        "宪法规定，一切。\n第二段",
    )
    assert split_marked_heading("第一、要深入学习领会讲话精神\n习近平总书记强调。") == (
        "要深入学习领会讲话精神",
        "习近平总书记强调。",
    )
    assert split_marked_heading("二、认真履职。") == ("认真履职。", "")
    assert split_marked_heading("人大代表要依法履职。") == ("", "人大代表要依法履职。")


@pytest.mark.parametrize(
    ("chars", "label"),
    [(0, "约0秒"), (100, "约30秒"), (200, "约1分钟"), (700, "约3分30秒"), (10_000, "约50分钟")],
)
def test_speaking_time_at_200_characters_a_minute(chars, label):
    assert speaking_time(chars, 200) == label


def test_placeholder_occurrences_give_field_offsets_and_the_binding_of_each():
    from speechdraft.text.printing import placeholder_occurrences

    sections = [
        SectionData(
            "s1",
            "part",
            heading="推动**人大工作",
            body="第一段。\n  刚才，**同志通报了情况，现场会在**召开。",
        ),
    ]
    found = placeholder_occurrences(sections)
    assert [(o.field, o.key, o.sure) for o in found] == [
        ("heading", "区名", True),
        ("body", "人名", True),
        ("body", "地点", True),
    ]
    body = sections[0].body
    assert all(body[o.start : o.end] == "**" for o in found if o.field == "body")
