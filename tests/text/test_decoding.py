import codecs
import random

import pytest

from speechdraft.text.decoding import decode_text, looks_like_text
from speechdraft.text.errors import DocumentError

from .conftest import CASES, SEED_000, SEED_004

SPEECH = "各位代表：\n今天召开座谈会，听取大家对常委会工作的意见建议。\n一、提高认识，增强责任感。"
# About twenty characters of GB2312: the length at which unrestricted detectors answer Big5.
SHORT_GB2312 = "同志们：会议开得很好，大家畅所欲言。"


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (SPEECH.encode("utf-8"), "utf-8"),
        (codecs.BOM_UTF8 + SPEECH.encode("utf-8"), "utf-8-sig"),
        (SPEECH.encode("utf-16"), "utf-16"),
        (codecs.BOM_UTF16_LE + SPEECH.encode("utf-16-le"), "utf-16"),
        (codecs.BOM_UTF16_BE + SPEECH.encode("utf-16-be"), "utf-16"),
        (SPEECH.encode("utf-16-le"), "utf-16"),
        (SPEECH.encode("utf-16-be"), "utf-16"),
        (SPEECH.encode("gbk"), "gb18030"),
        (SPEECH.encode("gb2312"), "gb18030"),
        (SPEECH.encode("gb18030"), "gb18030"),
        (SHORT_GB2312.encode("gb2312"), "gb18030"),
        ("各位代表、同志們：".encode("gbk"), "gb18030"),
    ],
    ids=[
        "utf8",
        "utf8-bom",
        "utf16-bom",
        "utf16le-bom",
        "utf16be-bom",
        "utf16le-no-bom",
        "utf16be-no-bom",
        "gbk",
        "gb2312",
        "gb18030",
        "short-gb2312",
        "traditional-gbk",
    ],
)
def test_decode_text_finds_the_encoding(data, encoding):
    decoded = decode_text(data)
    assert decoded.encoding == encoding
    assert decoded.text.replace("\ufeff", "") in (SPEECH, SHORT_GB2312, "各位代表、同志們：")
    assert not decoded.text.startswith("\ufeff")


@pytest.mark.parametrize("path", [SEED_000, SEED_004], ids=["seed000", "seed004"])
@pytest.mark.parametrize("codec", ["gb18030", "utf-16", "utf-16-le"])
def test_seed_speeches_survive_a_round_trip_through_legacy_encodings(path, codec):
    text = path.read_text("utf-8")
    decoded = decode_text(text.encode(codec))
    assert decoded.text == text


@pytest.mark.parametrize("size", [64, 256, 4096, 65536])
@pytest.mark.parametrize("seed", range(5))
def test_random_bytes_are_not_text(size, seed):
    data = random.Random(seed * 1000 + size).randbytes(size)
    with pytest.raises(DocumentError, match="无法识别文件编码"):
        decode_text(data)


def test_random_bytes_that_happen_to_decode_as_gb18030_are_rejected():
    # Find random strings that GB18030 accepts: the plausibility test must reject them.
    rng = random.Random(7)
    decodable = []
    while len(decodable) < 20:
        data = rng.randbytes(24)
        try:
            data.decode("gb18030")
        except UnicodeDecodeError:
            continue
        decodable.append(data)
    rejected = 0
    for data in decodable:
        try:
            decode_text(data)
        except DocumentError:
            rejected += 1
    assert rejected == len(decodable)


def test_big5_is_refused_rather_than_read_as_gbk_mojibake():
    text = (CASES / "traditional.txt").read_text("utf-8")
    data = text.encode("big5")
    data.decode("gb18030")  # the trap: Big5 bytes are valid GB18030
    with pytest.raises(DocumentError, match="无法识别文件编码"):
        decode_text(data)


def test_control_characters_are_not_text():
    with pytest.raises(DocumentError, match="无法识别文件编码"):
        decode_text(bytes(range(1, 32)) * 20 + "讲话".encode())


@pytest.mark.parametrize("data", [b"", b"   \r\n\t ", "\u3000\u3000\n".encode(), codecs.BOM_UTF8 + b"\n\n"])
def test_empty_files_are_reported_as_empty(data):
    with pytest.raises(DocumentError, match="文件为空"):
        decode_text(data)


@pytest.mark.parametrize("path", [SEED_000, SEED_004], ids=["seed000", "seed004"])
def test_real_speeches_look_like_text_under_the_strict_test(path):
    assert looks_like_text(path.read_text("utf-8"), multibyte_legacy=True)


def test_utf8_in_other_scripts_is_accepted():
    text = "Учебная программа для депутатов. ئۇيغۇرچە خەت"
    assert decode_text(text.encode("utf-8")).text == text
