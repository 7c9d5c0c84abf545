import pytest

from speechdraft.text.cleaning import clean_text, normalise_line, simplified_shadow

from .conftest import SEED_000, SEED_004

SEED_004_NOISE = (
    "仅供学习 禁止外传",
    "酷乐文行",
    "自建平台、实时分享",
    "根据实际需求和形式任务不断迭代",
    "现在订阅立享前3年的所有权益和资料",
    "【打击倒卖活动】",
    "举报倒卖会员资料的人，举报成功免费赠送一年会员材料！",
    "会员群：                      免费QQ群：",
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("座谈会，\u00a0这次座谈会", "座谈会，这次座谈会"),
        ("\u00a0各位代表、同志们：", "各位代表、同志们："),
        ("\u3000\u3000借召开常委会的机会，今天", "借召开常委会的机会，今天"),
        ("人大 代表 依法 履职，是宪法赋予的职责。", "人大代表依法履职，是宪法赋予的职责。"),
        ("区人大常委会主任\u3000\u3000张三", "区人大常委会主任 张三"),
        ("讲  话", "讲 话"),
        ("2023 年上半年", "2023 年上半年"),
        ("代\u200b表\ufeff工作", "代表工作"),
        ("代表\t工作 ， 很好", "代表工作，很好"),
        ("第一\x07、要学习", "第一、要学习"),
        ("  \u2003 ", ""),
    ],
)
def test_normalise_line(raw, expected):
    assert normalise_line(raw) == expected


def test_line_breaks_of_every_kind_become_newlines_and_blank_lines_go():
    cleaned = clean_text("各位代表：\r\n\r\n今天开会。\r一、提高认识。\u2028同志们，再见！\n \n")
    assert cleaned.text == "各位代表：\n今天开会。\n一、提高认识。\n同志们，再见！"
    assert cleaned.removed_lines == ()


def test_seed_004_advertising_block_is_removed_and_reported():
    cleaned = clean_text(SEED_004.read_text("utf-8"))
    assert cleaned.removed_lines == SEED_004_NOISE
    assert cleaned.text.startswith("在全区人大代表培训班上的讲话\n各位代表：\n经过大家的共同努力")
    assert cleaned.text.endswith("作出自己应有的贡献！")


def test_seed_000_loses_nothing_but_whitespace():
    raw = SEED_000.read_text("utf-8")
    cleaned = clean_text(raw)
    assert cleaned.removed_lines == ()
    assert cleaned.text.startswith("各位代表、同志们：\n借召开常委会的机会")
    assert "座谈会，这次座谈会" in cleaned.text
    assert len(cleaned.text.splitlines()) == 9
    squeeze = str.maketrans("", "", " \u00a0\n")
    assert cleaned.text.translate(squeeze) == raw.translate(squeeze)


def test_short_lines_without_advertising_above_the_salutation_are_kept():
    text = "凝心聚力 担当作为\n（2024年5月8日）\n各位代表：\n今天我们开会。"
    assert clean_text(text).text == text
    assert clean_text(text).removed_lines == ()


def test_short_brand_lines_below_the_title_are_not_noise():
    text = (
        "在代表培训班上的讲话\n各位代表：\n今天开会。\n一、会员单位要带头\n自建平台、实时分享\n同志们，谢谢！"
    )
    cleaned = clean_text(text)
    assert cleaned.removed_lines == ()
    assert cleaned.text == text


def test_advertising_lines_at_the_end_are_removed_but_prose_mentioning_them_stays():
    prose = "各位代表要积极订阅《人民代表报》，学习会员制服务等基层经验，扫码签到等形式也要规范，做到程序合法、过程公开、结果公正、群众满意、代表放心，不走过场。"
    text = f"各位代表：\n{prose}\n更多资料请扫码关注公众号\n仅供学习 禁止外传"
    cleaned = clean_text(text)
    assert cleaned.text == f"各位代表：\n{prose}"
    assert cleaned.removed_lines == ("更多资料请扫码关注公众号", "仅供学习 禁止外传")


@pytest.mark.parametrize(
    "line",
    [
        "（三）加强微信平台建设",
        "推行扫码签到制度",
        "请大家关注区人大公众号。",
        "一、会员单位要带头",
        "严厉打击倒卖文物犯罪",
    ],
)
def test_short_speech_lines_that_mention_ad_words_are_kept(line):
    text = f"各位代表：\n今天开会。\n{line}\n同志们，谢谢！"
    assert clean_text(text).removed_lines == ()


@pytest.mark.parametrize(
    "line",
    [
        "仅供学习 禁止外传",
        "更多资料请扫码关注",
        "加微信领取全套讲话稿",
        "公众号：某某文库",
        "微信群：讲稿交流",
        "会员群：123",
    ],
)
def test_advertising_lines_are_removed_anywhere(line):
    text = f"各位代表：\n今天开会。\n{line}\n同志们，谢谢！"
    assert clean_text(text).removed_lines == (line,)


def test_date_line_in_an_advertising_block_survives():
    text = "免费QQ群：12345\n（2024年7月20日）\n在全区人大代表培训班上的讲话\n各位代表：\n今天开会。"
    cleaned = clean_text(text)
    assert cleaned.removed_lines == ("免费QQ群：12345",)
    assert cleaned.text.startswith("（2024年7月20日）\n在全区")


def test_traditional_characters_are_kept_as_written():
    text = "各位代表、同志們：\n今天我們在這裡開會。"
    assert clean_text(text).text == text


def test_simplified_shadow_keeps_length_and_offsets():
    text = "同志們，讓我們為「人民」而努力！Ａ１ abc 乾隆"
    shadow = simplified_shadow(text)
    assert len(shadow) == len(text)
    assert shadow.startswith("同志们，让我们为「人民」而努力！")
    assert shadow[len(text) - 2 :] == "干隆"


# Lines template and reseller sites add, in the shapes they take across sites (not only the seeds').
SITE_LINES = [
    "本文由第一范文网整理发布，更多精彩范文请访问 www.diyifanwen.com",
    "更多精彩内容，请访问：http://www.gwyoo.com",
    "本文来源：公文网 gongwenw.cn",
    "（文章来源于网络，如有侵权请联系删除）",
    "转载请注明出处：范文大全",
    "关注微信公众号：“公文写作大全”，获取更多资料",
    "领导讲话稿交流QQ群：123456789",
    "点击下载本文Word版",
    "全文共3216字，阅读全文请下载",
    "欢迎访问本站查看更多优秀范文",
    "原文链接：https://mp.weixin.qq.com/s/AbCdEf",
    "百度文库 - 让每个人平等地提升自我",
    # The furniture of a reposted news or WeChat article.
    "点击上方蓝字关注我们",
    "长按二维码识别关注",
    "责任编辑：张三",
    "编辑：李四  审核：王五",
    "来源：人民网",
    "（来源：某某日报）",
    "喜欢就点个在看吧",
    "END",
    "- END -",
    "本文共计3500字，建议阅读10分钟",
    "往期推荐",
    "推荐阅读：",
    "温馨提示：请勿转载",
    "觉得有用请分享给朋友",
    "以上就是小编整理的内容，希望对你有帮助",
]
# Real speech lines with the same words in ordinary use: they stay.
SPEECH_LINES = [
    "要加强人大门户网站和微信公众号建设，及时发布代表履职信息。",
    "欢迎大家关注区人大公众号，及时了解常委会工作动态。",
    "我们把代表们提出的意见建议认真整理，形成专题报告报送区委。",
    "请各位代表会后把联系选民的情况整理成书面材料，交代表工作委员会。",
    "要通过网站、报纸、电视等多种渠道宣传人大工作，让更多群众了解人大、支持人大。",
    "今年以来，常委会组织代表走访选民3200余人次，收集意见建议156条。",
    "各位代表可以登录代表履职平台下载学习资料，参加线上培训。",
    "感谢大家长期关注我们的工作。",
    "为代表们点赞！",
    "请代表们扫描二维码关注区人大公众号。",
    "要把好的经验分享给更多代表。",
    "要拓宽资金来源：一是争取上级支持，二是盘活存量资产。",
    "各位代表要认真审核：议案是否符合法定程序。",
    "来源于群众的意见建议要认真办理。",
    "编辑出版代表履职风采录，推荐阅读优秀建议案例。",
]


@pytest.mark.parametrize("line", SITE_LINES)
def test_a_site_line_is_removed_and_listed_wherever_it_stands(line):
    speech = "各位代表：\n今天我们召开代表工作座谈会。\n{}\n同志们，让我们共同努力！"
    for text in (speech.format(line), "在代表工作座谈会上的讲话\n" + speech.format("") + "\n" + line):
        cleaned = clean_text(text)
        assert cleaned.removed_lines == (line,)
        assert "今天我们召开代表工作座谈会。" in cleaned.text and line not in cleaned.text


@pytest.mark.parametrize("line", SPEECH_LINES)
def test_a_speech_line_that_mentions_websites_or_accounts_stays(line):
    cleaned = clean_text("各位代表：\n" + line + "\n同志们，让我们共同努力！")
    assert cleaned.removed_lines == ()
    assert line in cleaned.text


def test_a_site_signature_glued_to_the_last_paragraph_is_cut_and_the_paragraph_kept():
    closing = "同志们，新的一年任务艰巨、使命光荣，让我们在区委的坚强领导下，团结一心、奋发有为，为建设幸福美好的新城区作出新的更大贡献！"
    signature = "本文由范文网整理发布，更多精彩范文请访问www.fanwen.com。"
    cleaned = clean_text("各位代表：\n今天开会。\n" + closing + signature)
    assert cleaned.text.endswith(closing)
    assert cleaned.removed_lines == ("本文由范文网整理发布，", "更多精彩范文请访问www.fanwen.com。") or (
        "".join(cleaned.removed_lines) == signature
    )


@pytest.mark.parametrize(
    "credit", ["（来源：某某日报 编辑：张三）", "（责任编辑：李四）", "来源：人民网-人民日报"]
)
def test_an_article_credit_glued_to_the_last_paragraph_is_cut_and_the_paragraph_kept(credit):
    closing = "同志们，让我们在区委的坚强领导下，团结一心、奋发有为，为建设幸福美好的新城区作出新的更大贡献！"
    cleaned = clean_text("各位代表：\n今天开会。\n" + closing + credit)
    assert cleaned.text.endswith(closing)
    # Listed as cut from the normalised line (the space between hanzi in prose goes).
    assert [line.replace(" ", "") for line in cleaned.removed_lines] == [credit.replace(" ", "")]


def test_every_seed_keeps_its_speech_lines():
    from .conftest import SEED_000 as first

    for path in sorted(first.parent.glob("*.txt")):
        cleaned = clean_text(path.read_text("utf-8"))
        # Only the advertising block of seed 004 goes; nothing else of any seed.
        assert set(cleaned.removed_lines) <= set(SEED_004_NOISE), path.name
