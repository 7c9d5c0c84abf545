import random
from pathlib import Path

import pytest

from bench.evaluation import (
    DERIVATION_SYNONYMS,
    OBFUSCATIONS,
    SWAP_SYNONYMS,
    Detection,
    PlantedCase,
    control_draft,
    evaluate,
    evaluation_corpus,
    obfuscate,
    original_paragraphs,
    pan_scores,
    plant,
)
from speechdraft.text.loading import load_document
from speechdraft.text.normalise import normalise

SEEDS = Path(__file__).resolve().parents[2] / "speechdraft" / "library" / "seeds"


@pytest.fixture(scope="module")
def corpus() -> dict[int, str]:
    seeds = [load_document(p.name, p.read_bytes()).text for p in sorted(SEEDS.glob("*.txt"))]
    return evaluation_corpus(seeds, 16, random.Random(7))


def test_original_paragraphs_share_no_long_run_with_the_seeds(corpus):
    seed_grams = {
        text[i : i + 10] for doc in (1, 2) for text in [normalise(corpus[doc]).text] for i in range(len(text))
    }
    paragraphs = original_paragraphs()
    assert len(paragraphs) >= 30
    for paragraph in paragraphs:
        text = normalise(paragraph).text
        assert not {text[i : i + 10] for i in range(len(text) - 9)} & seed_grams


def test_the_two_synonym_tables_share_no_word():
    def words(table):
        return set(table) | {w for values in table.values() for w in values}

    assert not words(DERIVATION_SYNONYMS) & words(SWAP_SYNONYMS)


@pytest.mark.parametrize("kind", [k for k in OBFUSCATIONS if k != "verbatim"])
def test_obfuscations_change_the_text_but_keep_its_size(kind):
    text = "人大代表要认真学习法律知识，充分发挥代表作用，密切联系人民群众。大家要始终坚持正确方向，及时反映群众意见。"
    changed = obfuscate(kind, text, random.Random(3))
    assert changed != text
    assert 0.8 < len(normalise(changed).text) / len(normalise(text).text) < 1.2


def test_reordered_clauses_keep_every_character():
    text = "第一句的甲，第一句的乙，第一句的丙。第二句的甲，第二句的乙。"
    changed = obfuscate("reordered", text, random.Random(1))
    assert sorted(normalise(changed).text) == sorted(normalise(text).text)
    assert changed.index("第二句") > changed.index("第一句")


def test_planted_cases_point_at_the_planted_text(corpus):
    draft = plant(corpus, random.Random(4), obfuscation="verbatim", passages=3)
    assert len(draft.cases) == 3
    for case in draft.cases:
        assert (
            draft.text[case.start : case.end] == corpus[case.source_id][case.source_start : case.source_end]
        )
        assert case.source_end - case.source_start >= 60
    starts = [c.start for c in draft.cases]
    assert starts == sorted(starts)
    for before, after in zip(draft.cases, draft.cases[1:], strict=False):
        assert normalise(draft.text[before.end : after.start]).text  # original text in between
    assert 0 < draft.true_copy_ratio < 1


def test_control_drafts_hold_no_case():
    draft = control_draft(random.Random(2))
    assert draft.cases == () and draft.true_copy_ratio == 0
    assert len(normalise(draft.text).text) > 500


def _case(start, end, source_id=1, s0=0, s1=None):
    return PlantedCase(start, end, source_id, s0, s1 if s1 is not None else end - start, "verbatim")


def test_pan_scores_of_a_perfect_detection_are_one():
    corpus = {1: "甲乙丙丁戊己庚辛壬癸" * 10}
    draft = "子丑寅卯" + corpus[1][:40] + "辰巳午未"
    cases = [_case(4, 44, s1=40)]
    found = [Detection(4, 44, 1, 0, 40)]
    scores = pan_scores(cases, found, drafts=[draft], corpus=corpus)
    assert (scores.precision, scores.recall, scores.granularity, scores.plagdet) == (1, 1, 1, 1)


def test_pan_scores_penalise_split_partial_and_wrong_detections():
    corpus = {1: "甲乙丙丁戊己庚辛壬癸" * 10, 2: "子丑寅卯辰巳午未申酉" * 10}
    draft = "天" * 4 + corpus[1][:40] + "地" * 4
    cases = [_case(4, 44, s1=40)]
    split = [Detection(4, 24, 1, 0, 20), Detection(24, 44, 1, 20, 40)]
    scores = pan_scores(cases, split, drafts=[draft], corpus=corpus)
    assert scores.recall == 1 and scores.granularity == 2
    assert scores.plagdet == pytest.approx(1 / 1.5849625, rel=1e-6)
    half = pan_scores(cases, [Detection(4, 24, 1, 0, 20)], drafts=[draft], corpus=corpus)
    assert half.precision == 1 and half.recall == pytest.approx(0.5)
    wrong = pan_scores(cases, [Detection(4, 44, 2, 0, 40)], drafts=[draft], corpus=corpus)
    assert wrong.precision == 0 and wrong.recall == 0 and wrong.plagdet == 0
    too_long = pan_scores(cases, [Detection(0, 48, 1, 0, 40)], drafts=[draft], corpus=corpus)
    assert too_long.recall == 1 and too_long.precision == pytest.approx(80 / 88)


def test_quality_targets_on_planted_passages(corpus):
    evaluation = evaluate(corpus, drafts_per_obfuscation=6, controls=6, seed=1)
    targets = {
        "verbatim": 0.98,
        "punctuation": 0.95,
        "light_edits": 0.95,
        "word_swaps": 0.90,
        "reordered": 0.90,
        "mixture": 0.90,
    }
    for obfuscation, target in targets.items():
        row = evaluation.row(obfuscation)
        assert row.scores.plagdet >= target, evaluation.table()
        assert row.ratio_error_mean <= 2.0, evaluation.table()
    control = evaluation.row("control")
    assert control.reported_ratio_max <= 0.03, evaluation.table()
