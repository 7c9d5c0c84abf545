"""check_similarity as DESIGN §7 specifies, on real seed text and on awkward input."""

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from speechdraft.library.services import corpus_import_files
from tests.conftest import SEED_000, SEED_004, seed_004_part

pytestmark = pytest.mark.django_db

KEYS = {
    "total_chars",
    "copied_chars",
    "copy_ratio",
    "copy_ratio_excluding_quotes",
    "max_single_source",
    "matches",
    "paragraphs",
    "sources",
    "elapsed_ms",
}


def import_seed(path):
    (outcome,) = corpus_import_files(files=[(path.name, path.read_bytes(), path.name)])
    return outcome.id


def check(path, *extra) -> dict:
    out = StringIO()
    call_command("check_similarity", str(path), "--format", "json", *extra, stdout=out)
    return json.loads(out.getvalue())


def test_seed_000_against_a_corpus_of_seed_004_reports_a_low_ratio():
    import_seed(SEED_004)
    report = check(SEED_000)
    assert set(report) >= KEYS
    assert report["total_chars"] > 3000
    assert report["copy_ratio"] < 0.05


def test_a_copied_part_is_reported_with_its_source_and_offsets_on_both_sides(tmp_path):
    from speechdraft.library.models import CorpusDocument

    source_id = import_seed(SEED_004)
    source = CorpusDocument.objects.get(pk=source_id).text
    part = seed_004_part()
    draft = (
        "今年我们区的代表工作有三个新特点，先简要说一说具体情况和打算。\n"
        + part
        + "\n最后，希望各位代表结合本单位实际，把学到的知识用到履职实践中去。\n"
    )
    path = tmp_path / "draft.txt"
    path.write_text(draft, encoding="utf-8")
    report = check(path)
    assert report["max_single_source"]["source_id"] == source_id
    assert report["sources"][0]["source_id"] == source_id
    counted = [m for m in report["matches"] if not m["common"]]
    assert counted
    covered = sum(m["end"] - m["start"] for m in counted)
    assert covered >= 0.9 * len(part)
    part_start = draft.index(part)
    for m in counted:
        assert part_start <= m["start"] < m["end"] <= part_start + len(part)
        assert m["source_id"] == source_id
        # The same words stand at the reported offsets on both sides.
        assert draft[m["start"] : m["end"]] == source[m["source_start"] : m["source_end"]]
    assert 0.8 < report["copy_ratio"] < 0.99
    first, middle, last = report["paragraphs"]
    assert first["copy_ratio"] == 0 and last["copy_ratio"] == 0 and middle["copy_ratio"] > 0.9


def test_offsets_refer_to_the_file_as_decoded_even_with_noise_lines(tmp_path):
    import_seed(SEED_004)
    part = seed_004_part()
    draft = "仅供学习 禁止外传\n\n\u3000\u3000" + part + "\n"
    path = tmp_path / "noisy.txt"
    path.write_text(draft, encoding="utf-8")
    report = check(path)
    m = next(m for m in report["matches"] if not m["common"])
    assert draft[m["start"] : m["end"]] in part


@pytest.mark.parametrize("content", [b"", "\u3000\n\n".encode(), "，。！？、；：".encode()])
def test_empty_or_punctuation_only_drafts_get_a_zero_report(tmp_path, content):
    import_seed(SEED_004)
    path = tmp_path / "empty.txt"
    path.write_bytes(content)
    report = check(path)
    assert report["copied_chars"] == 0 and report["copy_ratio"] == 0
    assert report["max_single_source"] is None


def test_an_empty_corpus_gives_a_zero_report():
    report = check(SEED_004)
    assert report["copy_ratio"] == 0 and report["matches"] == [] and report["total_chars"] > 2000


def test_a_200000_character_draft_is_checked(tmp_path):
    import_seed(SEED_004)
    text = (SEED_000.read_text(encoding="utf-8") + "\n") * 56
    path = tmp_path / "long.txt"
    path.write_text(text + seed_004_part(), encoding="utf-8")
    report = check(path)
    assert report["total_chars"] > 150_000
    assert any(not m["common"] for m in report["matches"])


def test_exclude_quotes_lowers_the_ratio_when_quotes_are_copied(tmp_path):
    import_seed(SEED_004)
    # Inner quotation marks would close the outer quotation early; quoting is one level here.
    part = seed_004_part().replace("“", "").replace("”", "")
    path = tmp_path / "q.txt"
    path.write_text("有一篇讲话说：“" + part + "”我们要认真学习。\n", encoding="utf-8")
    plain = check(path)
    excluded = check(path, "--exclude-quotes")
    assert plain["copy_ratio"] > 0.8
    assert excluded["copy_ratio"] < 0.1
    assert all(m["quoted"] for m in plain["matches"] if not m["common"])


def test_unreadable_file_is_a_one_line_chinese_error(tmp_path):
    path = tmp_path / "random.txt"
    path.write_bytes(bytes(range(256)) * 8)
    with pytest.raises(CommandError) as excinfo:
        check(path)
    assert "\n" not in str(excinfo.value) and not str(excinfo.value).isascii()
    with pytest.raises(CommandError, match="无法读取"):
        check(tmp_path / "missing.txt")


def test_wording_from_a_boilerplate_document_is_common_and_not_counted(tmp_path):
    from speechdraft.library.models import CorpusDocument

    source_id = import_seed(SEED_004)
    CorpusDocument.objects.filter(pk=source_id).update(is_boilerplate=True, is_reference=False)
    call_command("rebuild_index", stdout=StringIO())
    path = tmp_path / "draft.txt"
    path.write_text(seed_004_part(), encoding="utf-8")
    report = check(path)
    assert report["matches"] and all(m["common"] for m in report["matches"])
    assert report["copy_ratio"] == 0


# ---------------------------------------------------------------------------------------------------
# The same large generated corpus through the command and the 查重 button: plain JSON, same figures.


@pytest.fixture(scope="module")
def generated_corpus() -> dict[int, str]:
    """A few thousand genre-like documents (bench.synthetic): stock wording shared as in a real
    corpus, so that 常见表述 and many-source matches occur, as they did when numpy values leaked out."""
    from bench.synthetic import Generator

    return dict(Generator(seed=11, pool_size=50_000).documents(2_500, chars=1_500))


def _store_corpus(texts: dict[int, str]) -> list[int]:
    from speechdraft.library.models import CorpusDocument, journal_changes
    from speechdraft.library.services import count_chars, normalised_hash

    documents = CorpusDocument.objects.bulk_create(
        CorpusDocument(title=f"语料{i}", text=t, sha256=normalised_hash(t), chars=count_chars(t))
        for i, t in texts.items()
    )
    journal_changes([d.pk for d in documents])
    return [d.pk for d in documents]


def test_the_command_and_the_check_button_agree_on_a_large_generated_corpus(
    tmp_path, client, drafter, generated_corpus
):
    import random

    from django.urls import reverse

    from bench.evaluation import plant
    from speechdraft.checks.models import SimilarityReport
    from tests.drafting.factories import make_sections, make_speech

    ids = _store_corpus(generated_corpus)
    stored = dict(zip(ids, generated_corpus.values(), strict=True))
    rng = random.Random(5)
    client.force_login(drafter)
    sources_seen = 0
    for n, obfuscation in enumerate(["verbatim", "light_edits", "word_swaps", "reordered", "mixture"] * 2):
        picked = rng.sample(ids, 8)
        draft = plant({i: stored[i] for i in picked}, rng, obfuscation=obfuscation, passages=3, paragraphs=8)
        sections = make_sections()
        sections[3] = {"role": "part", "heading": "一、总体要求。", "body": draft.text.replace("\n", "")}
        speech = make_speech(drafter, title=f"讲话{n}", sections=sections)
        client.post(reverse("checks:run", args=[speech.pk]))
        stored_report = SimilarityReport.objects.filter(speech=speech).get()
        assert client.get(stored_report.get_absolute_url()).status_code == 200

        text, _ = speech.text_spans()
        path = tmp_path / f"draft{n}.txt"
        path.write_text(text, encoding="utf-8")
        from_command = check(path)
        assert from_command["copy_ratio"] == stored_report.copy_ratio
        assert from_command["matches"] == stored_report.result["matches"]
        assert from_command["total_chars"] == stored_report.total_chars
        planted_sources = {c.source_id for c in draft.cases}
        reported = {s["source_id"] for s in from_command["sources"]}
        sources_seen += len(planted_sources & reported)
    assert sources_seen >= 20  # of 30 planted; reordered clauses of generated text are the hard case


def test_standard_formulations_in_an_original_draft_are_common_in_the_json(tmp_path):
    # The office has only the two seed speeches: no formulation is held by five documents.
    import_seed(SEED_000)
    import_seed(SEED_004)
    draft = (
        "这次培训班安排得很紧凑，我先讲三点体会。人大代表是人民代表大会的主体，履职靠的是平时的积累。\n"
        "我们要坚持以人民为中心的发展思想，把群众的急难愁盼当作自己的事情来办。\n"
        "希望大家回去以后，认真学习习近平总书记关于坚持和完善人民代表大会制度的重要思想，学以致用。\n"
    )
    path = tmp_path / "draft.txt"
    path.write_text(draft, encoding="utf-8")
    report = check(path)
    assert report["matches"] and all(m["common"] for m in report["matches"])
    assert report["copied_chars"] == 0 and report["copy_ratio"] == 0
