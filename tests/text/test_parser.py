"""The speech parser over real texts: the two seeds and speeches written for these tests."""

from dataclasses import dataclass, field

import pytest

from speechdraft.text.genre import heading_marker, is_salutation, is_title_line
from speechdraft.text.loading import load_document
from speechdraft.text.parser import ParsedSpeech, find_subpoints, parse_speech

from .conftest import CASES, SEED_000, SEED_004


@dataclass
class Expected:
    title: str = ""
    subtitle_lines: tuple[str, ...] = ()
    salutation: str = ""
    opening_starts: str = ""
    # (marker, heading, run_in) per part
    parts: list[tuple[str, str, bool]] = field(default_factory=list)
    # sub-point markers per part
    subpoints: list[list[str]] = field(default_factory=list)
    closing_starts: str = ""
    placeholders: list[str] = field(default_factory=list)


TABLE = {
    SEED_000: Expected(
        salutation="各位代表、同志们：",
        opening_starts="借召开常委会的机会，今天和大家召开一个座谈会",
        parts=[
            (
                "第一、",
                "第一、要深入学习领会习近平总书记在中央人大工作会议上的讲话精神，切实把学习成效转化为履职的强大动力",
                False,
            ),
            ("第二，", "第二，要认真学习掌握人大代表依法履职的业务知识，不断提升依法履职能力水平", False),
            ("第三，", "第三，要紧紧围绕区委中心工作，着力在践行全过程人民民主中展现人大代表的新形象", False),
        ],
        subpoints=[["一要", "二要", "三要"], [], []],
        closing_starts="同志们，人大代表既是政治荣誉",
        placeholders=["**", "**", "*", "**", "**", "**", "**", "**"],
    ),
    SEED_004: Expected(
        title="在全区人大代表培训班上的讲话",
        salutation="各位代表：",
        opening_starts="经过大家的共同努力，我们圆满完成了集中培训任务。",
        parts=[
            ("一、", "一、提高认识，增强当好人大代表的责任感。", True),
            ("二、", "二、认真履职，充分发挥人大代表作用。", True),
            ("三、", "三、勤于实践，争当人民满意的人大代表。", True),
        ],
        subpoints=[
            ["一是", "二是", "三是"],
            ["一是", "二是", "三是", "四要"],
            ["一是", "二是", "三是", "四是"],
        ],
        closing_starts="各位代表、同志们，人大代表职责神圣、使命光荣。",
        placeholders=["×", "×", "×", "×"],
    ),
    CASES / "no_title_own_line.txt": Expected(
        salutation="同志们：",
        opening_starts="今天召开全区人大代表履职工作座谈会",
        parts=[
            ("一、", "一、坚持学习在先，筑牢履职根基", False),
            ("二、", "二、坚持问题导向，提高建议质量", False),
            ("三、", "三、坚持密切联系，当好群众代言人", False),
        ],
        subpoints=[[], [], []],
        closing_starts="同志们，做好新时代代表工作使命光荣",
    ),
    CASES / "paren_runin_title_subtitles.txt": Expected(
        title="在区人大常委会机关作风建设动员会上的讲话",
        subtitle_lines=("区人大常委会主任 王某某", "（2024年3月12日）"),
        salutation="各位委员、同志们：",
        opening_starts="按照区委统一部署",
        parts=[
            ("（一）", "（一）提高政治站位，切实增强作风建设的思想自觉。", True),
            ("（二）", "（二）聚焦突出问题，扎实推进作风建设走深走实。", True),
            ("（三）", "（三）健全长效机制，巩固拓展作风建设成果。", True),
        ],
        subpoints=[["一是", "二是"], [], []],
        closing_starts="同志们，作风建设关系人大机关形象。",
        placeholders=["某某"],
    ),
    CASES / "runin_di_subpoints.txt": Expected(
        title="在全县新当选人大代表初任培训会上的讲话",
        salutation="各位代表：",
        opening_starts="这次初任培训为期两天",
        parts=[
            ("一、", "一、把准角色定位，明确代表是干什么的。", True),
            ("二、", "二、掌握履职方法，明确代表怎么干。", True),
            ("三、", "三、强化自身建设，树立代表良好形象。", True),
        ],
        subpoints=[["第一，", "第二，", "第三，"], ["一要", "二要", "三要"], []],
        closing_starts="各位代表，人民选我当代表",
    ),
    CASES / "one_long_line.txt": Expected(
        title="在区人大代表小组活动总结会上的讲话",
        salutation="各位代表、同志们：",
        opening_starts="今年以来，各代表小组按照常委会统一安排",
        parts=[
            ("一、", "一、充分肯定成绩，坚定做好代表小组工作的信心。", True),
            ("二、", "二、正视存在问题，找准改进工作的着力点。", True),
            ("三、", "三、突出工作重点，推动代表小组活动提质增效。", True),
        ],
        subpoints=[[], [], []],
        closing_starts="同志们，代表小组是代表开展闭会期间活动的基本形式。",
    ),
    CASES / "traditional.txt": Expected(
        title="在代表聯絡站建設推進會上的講話",
        salutation="各位代表、同志們：",
        opening_starts="今天我們在這裡召開",
        parts=[
            ("一、", "一、充分認識代表聯絡站建設的重要意義。", True),
            ("二、", "二、紮實推進代表聯絡站規範化建設。", True),
        ],
        subpoints=[["一是", "二是"], []],
        closing_starts="同志們，代表聯絡站建設只有起點",
    ),
    CASES / "yi_er_xian_no_parts.txt": Expected(
        salutation="各位代表：",
        opening_starts="近年来，我区主动对接一、二线城市的产业转移",
    ),
    CASES / "numbering_gap_placeholders.txt": Expected(
        title="在××县第×届人民代表大会第×次会议预备会议上的讲话",
        salutation="各位代表：",
        opening_starts="县第XX届人民代表大会第×次会议今天开幕。",
        parts=[
            ("一、", "一、会议的主要任务。", True),
            ("二、", "二、会议的议程安排。", True),
            ("四、", "四、会议的纪律要求。", True),
        ],
        subpoints=[[], [], []],
        closing_starts="各位代表，开好这次会议意义重大。",
        placeholders=["××", "×", "×", "XX", "×", "某某", "**"],
    ),
    CASES / "no_salutation_no_parts.txt": Expected(opening_starts="今天的会议开得很好"),
    CASES / "ads_around_salutation.txt": Expected(
        salutation="各位代表、同志们：",
        opening_starts="这次集中视察活动",
        parts=[("一、", "一、视察的基本情况。", True), ("二、", "二、下一步的工作建议。", True)],
        subpoints=[[], []],
        closing_starts="同志们，代表视察是代表依法履职的重要方式",
    ),
    CASES / "slogan_title_own_line_period.txt": Expected(
        title="践行全过程人民民主 展现代表新担当",
        subtitle_lines=(
            "——在全市人大代表专题学习会上的讲话",
            "市人大常委会副主任 李某某",
            "（二〇二四年九月十日）",
        ),
        salutation="各位副主任、秘书长，各位委员、各位代表：",
        opening_starts="这次专题学习会",
        parts=[
            ("一、", "一、深刻把握全过程人民民主的实践要求。", False),
            ("二、", "二、着力提升代表履职的能力水平。", False),
        ],
        subpoints=[[], []],
        closing_starts="代表们，让我们以这次学习为新起点",
        placeholders=["某某"],
    ),
    CASES / "closing_without_vocative.txt": Expected(
        title="在代表之家揭牌仪式上的致辞",
        salutation="尊敬的各位领导、各位代表：",
        opening_starts="今天，我们在这里隆重举行代表之家揭牌仪式",
        parts=[
            ("第一、", "第一、要用好代表之家这个平台。", True),
            ("第二、", "第二、要完善代表之家工作制度。", True),
        ],
        subpoints=[[], []],
        closing_starts="最后，祝愿代表之家越办越好",
    ),
}


def _parse(path) -> ParsedSpeech:
    return parse_speech(load_document(path.name, path.read_bytes()).text)


@pytest.mark.parametrize("path", list(TABLE), ids=[path.stem for path in TABLE])
def test_parse_speech(path):
    expected = TABLE[path]
    parsed = _parse(path)
    assert parsed.title == expected.title
    assert parsed.subtitle_lines == expected.subtitle_lines
    assert parsed.salutation == expected.salutation
    assert parsed.opening.startswith(expected.opening_starts) and parsed.opening
    assert [(p.marker, p.heading, p.run_in) for p in parsed.parts] == expected.parts
    assert [[s.marker for s in p.subpoints] for p in parsed.parts] == expected.subpoints
    assert parsed.closing.startswith(expected.closing_starts)
    assert bool(parsed.closing) == bool(expected.closing_starts)
    assert [p.text for p in parsed.placeholders] == expected.placeholders


@pytest.mark.parametrize("path", list(TABLE), ids=[path.stem for path in TABLE])
def test_offsets_and_segments_are_consistent(path):
    parsed = _parse(path)
    text = parsed.text
    for part in parsed.parts:
        assert text[part.start : part.heading_end] == part.heading
        assert part.heading.startswith(part.marker)
        assert text[part.start : part.end].startswith(part.heading)
        assert text[part.start : part.end].endswith(part.body or part.heading)
        for sub in part.subpoints:
            assert part.heading_end <= sub.start < sub.end <= part.end
            assert text[sub.start : sub.end].startswith(sub.lead)
            assert sub.lead.startswith(sub.marker)
    segments = parsed.segments()
    assert [s.start for s in segments] == sorted(s.start for s in segments)
    for segment, following in zip(segments, segments[1:], strict=False):
        assert segment.end <= following.start
        assert text[segment.end : following.start].strip() == ""
    for segment in segments:
        assert text[segment.start : segment.end] == segment.text
    # Segments cover every non-blank character of the text.
    covered = "".join(s.text for s in segments)
    assert "".join(covered.split()) == "".join(text.split())
    roles = [s.role for s in segments]
    assert roles == sorted(roles, key=["title", "salutation", "opening", "part", "closing"].index)
    for placeholder in parsed.placeholders:
        assert text[placeholder.start : placeholder.end] == placeholder.text


def test_seed_000_subpoints_cover_their_sentences():
    parsed = _parse(SEED_000)
    first = parsed.parts[0]
    assert [s.lead for s in first.subpoints] == [
        "一要强化思想自觉。",
        "二要强化政治自觉。",
        "三要强化行动自觉。",
    ]
    assert first.subpoints[0].end == first.subpoints[1].start
    assert parsed.text[first.subpoints[-1].end - 5 : first.subpoints[-1].end] == "良好风采。"
    assert parsed.parts[0].style == "di" and parsed.parts[0].number == 1
    assert [p.number for p in parsed.parts] == [1, 2, 3]


def test_seed_004_part_bodies_exclude_the_heading():
    parsed = _parse(SEED_004)
    assert parsed.parts[0].body.startswith("宪法规定，中华人民共和国一切权力属于人民。")
    assert parsed.parts[0].subpoints[0].lead == "一是要深刻认识人大代表是国家权力机关的主体。"
    assert [p.style for p in parsed.parts] == ["yi", "yi", "yi"]
    assert parsed.closing.endswith("作出自己应有的贡献！")


def test_numbering_gaps_are_kept_as_written():
    parsed = _parse(CASES / "numbering_gap_placeholders.txt")
    assert [p.number for p in parsed.parts] == [1, 2, 4]


def test_segments_name_their_roles_in_order():
    parsed = _parse(SEED_004)
    assert [(s.role, s.heading) for s in parsed.segments()] == [
        ("title", ""),
        ("salutation", ""),
        ("opening", ""),
        ("part", "一、提高认识，增强当好人大代表的责任感。"),
        ("part", "二、认真履职，充分发挥人大代表作用。"),
        ("part", "三、勤于实践，争当人民满意的人大代表。"),
        ("closing", ""),
    ]


def test_title_span_includes_subtitle_lines():
    parsed = _parse(CASES / "paren_runin_title_subtitles.txt")
    title = parsed.segments()[0]
    assert title.role == "title"
    assert (
        title.text == "在区人大常委会机关作风建设动员会上的讲话\n区人大常委会主任 王某某\n（2024年3月12日）"
    )


@pytest.mark.parametrize(
    ("text", "title", "salutation", "opening", "markers", "closing"),
    [
        ("", "", "", "", [], ""),
        ("同志们：", "", "同志们：", "", [], ""),
        ("今天开会。", "", "", "今天开会。", [], ""),
        ("各位代表：今天开会，请大家发言。", "", "各位代表：", "今天开会，请大家发言。", [], ""),
        ("一、总体要求\n二、主要任务", "", "", "", ["一、", "二、"], ""),
        ("讲话\n今天开会。", "讲话", "", "今天开会。", [], ""),
        # Without parts everything after the salutation is opening, even a 同志们， paragraph.
        (
            "各位代表：\n今天开会。\n同志们，谢谢大家！",
            "",
            "各位代表：",
            "今天开会。\n同志们，谢谢大家！",
            [],
            "",
        ),
        (
            "各位代表：\n一、学习。要学习。\n同志们，谢谢大家！",
            "",
            "各位代表：",
            "",
            ["一、"],
            "同志们，谢谢大家！",
        ),
        ("各位代表：\n一、学习\n同志们，要学习。", "", "各位代表：", "", ["一、"], ""),
        # An in-line 一、 that is not followed by 二、 in sequence is not a part.
        (
            "各位代表：\n今天开会。一、二线城市经验值得学习。",
            "",
            "各位代表：",
            "今天开会。一、二线城市经验值得学习。",
            [],
            "",
        ),
        (
            "各位代表：\n今天开会。一、总结。二、部署。三、要求。",
            "",
            "各位代表：",
            "今天开会。",
            ["一、", "二、", "三、"],
            "",
        ),
        # Lower-level markers stay inside the part whose style appeared first.
        (
            "各位代表：\n一、总体要求\n（一）指导思想\n（二）基本原则\n二、主要任务",
            "",
            "各位代表：",
            "",
            ["一、", "二、"],
            "",
        ),
        (
            "\n\n  各位代表、同志们：  \r\n\r\n 一、学习。要学习。 \r\n",
            "",
            "各位代表、同志们：",
            "",
            ["一、"],
            "",
        ),
        (
            "各位代表：\r今天开会。\r一、学习。要学习。\r同志们，再见！",
            "",
            "各位代表：",
            "今天开会。",
            ["一、"],
            "同志们，再见！",
        ),
    ],
)
def test_parse_speech_edge_cases(text, title, salutation, opening, markers, closing):
    parsed = parse_speech(text)
    assert parsed.title == title
    assert parsed.salutation == salutation
    assert parsed.opening == opening
    assert [p.marker for p in parsed.parts] == markers
    assert parsed.closing == closing


def test_lower_levels_stay_in_the_part_body():
    parsed = parse_speech("各位代表：\n一、总体要求\n（一）指导思想\n（二）基本原则\n二、主要任务")
    assert parsed.parts[0].body == "（一）指导思想\n（二）基本原则"
    assert parsed.parts[0].run_in is False


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("各位代表：", True),
        ("各位代表、同志们：", True),
        ("同志们：", True),
        ("尊敬的各位领导，各位代表，同志们：", True),
        ("各位副主任、秘书长，各位委员：", True),
        ("各位老代表、新代表，同志们：", True),
        ("同志们、朋友们：", True),
        ("  各位委员： ", True),
        ("代表：", False),
        ("主要任务：", False),
        ("同志们：今天我们开会。", False),
        ("各位代表，", False),
    ],
)
def test_is_salutation(line, expected):
    assert is_salutation(line) is expected


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("在全区人大代表培训班上的讲话", True),
        ("——在全市人大代表专题学习会上的讲话", True),
        ("在代表之家揭牌仪式上的致辞", True),
        ("更多精品讲话稿请关注公众号：某某文库", False),
        ("同志们，今天的讲话就到这里。", False),
        ("一、关于讲话精神", False),
        ("提高认识", False),
    ],
)
def test_is_title_line(line, expected):
    assert is_title_line(line) is expected


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("一、提高认识", ("yi", "一、")),
        ("十一、其他事项", ("yi", "十一、")),
        ("第一、要深入学习", ("di", "第一、")),
        ("第二，要认真学习", ("di", "第二，")),
        ("（一）指导思想", ("paren", "（一）")),
        ("(三)工作要求", ("paren", "(三)")),
        ("1.加强学习", ("arabic", "1.")),
        ("2．加强学习", ("arabic", "2．")),
        ("3、加强学习", ("arabic", "3、")),
        ("（1）具体措施", ("arabic_paren", "（1）")),
        ("  一、前面有空格", ("yi", "一、")),
        ("一、二线城市的经验", None),
        ("一、二、三产业协调发展", None),
        ("1.5倍的增长", None),
        ("一是要深刻认识", None),
        ("第一次会议", None),
        ("各位代表：", None),
        ("", None),
    ],
)
def test_heading_marker(line, expected):
    assert heading_marker(line) == expected


@pytest.mark.parametrize(
    ("text", "markers"),
    [
        ("一是要学习。二是要实践。三是要总结。", ["一是", "二是", "三是"]),
        ("要做到：一要学习；二要实践。", ["一要", "二要"]),
        ("第一，要学习。第二，要实践。", ["第一，", "第二，"]),
        ("一是学习。\n二是实践。", ["一是", "二是"]),
        # Gaps of one and repeats stay in the chain so that lint can report them.
        ("一是学习。三是总结。", ["一是", "三是"]),
        # A lone 一是, markers inside a sentence, and 一是一、二是二 are not sub-points.
        ("一是一，二是二，不能含糊。", []),
        ("统一是前提。唯一要求是实干。", []),
        ("一是要学习。", []),
        ("工作一是学习，二是实践。", []),
    ],
)
def test_find_subpoints(text, markers):
    found = find_subpoints(text)
    assert [s.marker for s in found] == markers
    for sub in found:
        assert text[sub.start : sub.start + len(sub.marker)] == sub.marker


def test_find_subpoints_offsets_and_leads():
    text = "一要强化思想自觉。要胸怀大局。二要强化政治自觉！三要强化行动自觉"
    found = find_subpoints(text)
    assert [(s.lead, s.start, s.end, s.number) for s in found] == [
        ("一要强化思想自觉。", 0, 15, 1),
        ("二要强化政治自觉！", 15, 24, 2),
        ("三要强化行动自觉", 24, 32, 3),
    ]


def test_find_subpoints_reads_traditional_characters():
    text = "一是要加強領導。二是要健全機制。"
    assert [s.lead for s in find_subpoints(text)] == ["一是要加強領導。", "二是要健全機制。"]
