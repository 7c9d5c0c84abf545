import random

import numpy as np
import pytest

from speechdraft.text.fingerprints import (
    BREADTH_MARGIN,
    GUARANTEE,
    REGION_CHARS,
    FingerprintIndex,
    K,
    _batch_fingerprints,
    _breadth_winners,
    _by_region,
    _normalised_batch,
    _pair_totals,
    fingerprints,
    stored_generation,
    text_fingerprints,
)
from speechdraft.text.normalise import normalised_codes

HANZI = [chr(c) for c in range(0x4E00, 0x4E00 + 3000)]


def random_text(rng: random.Random, n: int) -> str:
    return "".join(rng.choice(HANZI) for _ in range(n))


def test_a_shared_run_of_guarantee_length_always_shares_a_fingerprint():
    rng = random.Random(11)
    for _ in range(300):
        run = random_text(rng, GUARANTEE)
        a = random_text(rng, rng.randrange(0, 60)) + run + random_text(rng, rng.randrange(0, 60))
        b = random_text(rng, rng.randrange(0, 60)) + run + random_text(rng, rng.randrange(0, 60))
        assert set(text_fingerprints(a)[0].tolist()) & set(text_fingerprints(b)[0].tolist())


def test_fingerprints_ignore_punctuation_and_width():
    assert np.array_equal(
        text_fingerprints("人大代表要依法履职，密切联系群众。")[0],
        text_fingerprints("人大代表要依法履职,密切联系群众.")[0],
    )


def test_fingerprint_positions_point_at_their_kgrams():
    codes = normalised_codes(random_text(random.Random(3), 500))[0]
    hashes, positions = fingerprints(codes)
    assert len(hashes) > 500 / (K + 8)
    assert positions.min() >= 0 and positions.max() <= len(codes) - K
    assert list(positions) == sorted(set(positions.tolist()))


def test_text_shorter_than_k_has_no_fingerprint():
    assert len(text_fingerprints("人大代表")[0]) == 0


def test_batch_fingerprints_equal_one_document_at_a_time():
    rng = random.Random(4)
    texts = [random_text(rng, n) + "，。 " for n in (0, 5, 9, 40, 300)]
    codes, lengths = _normalised_batch(texts)
    assert lengths.tolist() == [len(normalised_codes(t)[0]) for t in texts]
    hashes, doc_index = _batch_fingerprints(codes, lengths)
    for i, text in enumerate(texts):
        assert set(hashes[doc_index == i].tolist()) == set(text_fingerprints(text)[0].tolist())


@pytest.fixture
def corpus():
    rng = random.Random(8)
    return {doc_id: random_text(rng, 800) for doc_id in (3, 10, 42, 7, 1000)}


def test_candidates_rank_the_document_that_shares_most_first(corpus):
    index = FingerprintIndex.build(corpus.items())
    draft = corpus[42][100:400] + corpus[7][:60]
    found = index.candidates(draft, limit=30)
    assert [c.doc_id for c in found[:2]] == [42, 7]
    assert found[0].shared > found[1].shared
    assert index.candidates(draft, limit=1)[0].doc_id == 42
    assert index.candidates("", limit=30) == []


def test_span_candidates_rank_documents_on_each_span_alone(corpus):
    index = FingerprintIndex.build(corpus.items())
    first, second = corpus[42][100:400], corpus[7][:300]
    codes = normalised_codes(first + second)[0]
    hashes, positions = fingerprints(codes)
    cut = len(normalised_codes(first)[0])
    ranked = index.span_candidates(hashes, positions, [(0, cut), (cut, len(codes))], per_span=2)
    assert [doc for doc, _ in ranked[0]][:1] == [42]
    assert [doc for doc, _ in ranked[1]][:1] == [7]
    assert all(len(r) <= 2 for r in ranked)
    # Fingerprints outside every span count for nothing.
    assert index.span_candidates(hashes, positions, [(cut, len(codes))], per_span=5)[0][0][0] == 7
    assert index.span_candidates(hashes, positions, [], per_span=2) == []


def test_pair_totals_sum_each_region_and_document_whatever_the_ids():
    regions = np.array([0, 1, 0, 0, 1, 2])
    df = np.array([2, 1, 4, 1, 1, 2])  # each posting weighs 1 / df
    for docs in (
        np.array([7, 7, 7, 9, 7, 9]),
        np.array([7, 7, 7, 2**61, 7, 2**61]),
        np.array([-3, -3, -3, 9, -3, 9]),
    ):
        region, doc, score, shared = _pair_totals(regions, docs, df)
        big = docs[3]
        assert region.tolist() == [0, 0, 1, 2]
        assert doc.tolist() == [docs[0], big, docs[0], big]
        assert score.tolist() == [0.75, 1.0, 2.0, 0.5]
        assert shared.tolist() == [2, 1, 2, 1]
    # Far more regions and documents than fit the 32-bit fast path.
    rng = np.random.default_rng(4)
    regions, docs, df = rng.integers(0, 3000, 5000), rng.integers(0, 10**6, 5000), rng.integers(1, 2000, 5000)
    region, doc, score, shared = _pair_totals(regions, docs, df)
    expected: dict[tuple[int, int], float] = {}
    for r, d, f in zip(regions.tolist(), docs.tolist(), df.tolist(), strict=True):
        expected[(r, d)] = expected.get((r, d), 0.0) + 1 / f
    assert list(zip(region.tolist(), doc.tolist(), strict=True)) == sorted(expected)
    assert np.allclose(score, [expected[k] for k in sorted(expected)])
    assert shared.sum() == 5000


def test_breadth_winners_need_enough_fingerprints_and_a_clear_lead():
    # Pairs ordered by region: region 0 has a clear winner, region 1 a tie, region 2 a lead too
    # small, region 3 too few fingerprints, region 4 a lone document.
    region = np.array([0, 0, 0, 1, 1, 2, 2, 3, 4])
    shared = np.array([2, 7, 5, 6, 6, 6, 6 - BREADTH_MARGIN + 1, 4, 5])
    assert _breadth_winners(region, shared, 5).tolist() == [
        False,
        True,
        False,
        False,
        False,
        False,
        False,
        False,
        True,
    ]
    assert not _breadth_winners(region, shared, 8).any()


def _clauses(rng: random.Random, n: int) -> list[str]:
    return [random_text(rng, 9) for _ in range(n)]


def test_a_stretch_brings_the_document_holding_most_of_its_stock_clauses(corpus):
    # One document holds twelve clauses; each is also in nine of 40 other documents, so each of its
    # fingerprints is stock wording of low weight. A draft with those clauses shuffled scores under
    # the threshold everywhere, but no other document shares as many of its fingerprints.
    rng = random.Random(5)
    clauses = _clauses(rng, 12)
    texts = {1: "，".join(clauses) + "。"}
    for doc_id in range(2, 42):
        mine = rng.sample(clauses, 9) if doc_id % 4 else []
        texts[doc_id] = "。".join(random_text(rng, 30) + "，" + c for c in mine) + random_text(rng, 200)
    index = FingerprintIndex.build(texts.items())
    shuffled = list(clauses)
    rng.shuffle(shuffled)
    hashes, positions = fingerprints(normalised_codes("；".join(shuffled))[0])
    assert 1 not in index.stretch_candidates(hashes, positions, min_score=3.0)
    assert 1 in index.stretch_candidates(hashes, positions, min_score=3.0, breadth=5)


def test_a_passage_across_a_stretch_boundary_is_counted_whole(corpus):
    # The shuffled clauses straddle the boundary between the first two stretches: each stretch holds
    # too few of them, the stretch offset by half of one holds them all.
    rng = random.Random(8)
    clauses = _clauses(rng, 8)
    texts = {1: "，".join(clauses) + "。"}
    for doc_id in range(2, 30):
        texts[doc_id] = "。".join(
            random_text(rng, 30) + "，" + c for c in rng.sample(clauses, 5)
        ) + random_text(rng, 200)
    index = FingerprintIndex.build(texts.items())
    shuffled = list(clauses)
    rng.shuffle(shuffled)
    passage = "".join(shuffled)
    lead = random_text(rng, REGION_CHARS - len(passage) // 2)
    hashes, positions = fingerprints(normalised_codes(lead + passage + random_text(rng, 300))[0])
    # The premise: on the stretches themselves the document is nobody's breadth winner.
    region, doc, _score, shared = index._region_scores(*_by_region(hashes, positions), None)
    assert 1 not in doc[_breadth_winners(region, shared, 5)]
    found = index.stretch_candidates(hashes, positions, min_score=3.0, breadth=5)
    assert found.get(1) == [0, 1]


def test_one_lookup_serves_every_retrieval_step_with_the_same_answers(corpus):
    index = FingerprintIndex.build(corpus.items())
    index.apply({900: corpus[3][:400] + corpus[10][200:600]})  # a delta too
    text = corpus[42][100:700] + corpus[7][:300] + corpus[3][50:350] + random_text(random.Random(2), 200)
    hashes, positions = fingerprints(normalised_codes(text)[0])
    lookup = index.lookup(hashes)
    assert np.array_equal(index.document_frequency(hashes, lookup=lookup), index.document_frequency(hashes))
    assert index.candidates_for_hashes(hashes, positions=positions, lookup=lookup) == (
        index.candidates_for_hashes(hashes, positions=positions)
    )
    assert index.stretch_candidates(hashes, positions, breadth=5, lookup=lookup) == (
        index.stretch_candidates(hashes, positions, breadth=5)
    )
    spans = [(0, 300), (400, 800)]
    assert index.span_candidates(hashes, positions, spans, lookup=lookup) == (
        index.span_candidates(hashes, positions, spans)
    )
    # A lookup made for another text is never trusted for hashes it does not hold.
    other = index.lookup(hashes[:5])
    assert np.array_equal(index.document_frequency(hashes, lookup=other), index.document_frequency(hashes))


def test_fingerprints_in_too_many_documents_are_skipped_for_retrieval(corpus):
    stock = "坚持以习近平新时代中国特色社会主义思想为指引"
    index = FingerprintIndex.build((i, text + stock) for i, text in corpus.items())
    hashes = np.unique(text_fingerprints(stock)[0])
    df = index.document_frequency(hashes)
    # Windows inside the phrase select the same minimum in every document; edge windows depend on
    # the text around the phrase.
    inside = hashes[df == 5]
    assert len(inside) > 0
    assert index.candidates_for_hashes(inside, max_df=4) == []
    assert len(index.candidates_for_hashes(inside, max_df=5)) == 5


def test_document_lengths_are_normalised_lengths(corpus):
    index = FingerprintIndex.build([(1, "人大代表，要依法履职！")])
    assert index.normalised_length(1) == 9
    with pytest.raises(KeyError):
        index.normalised_length(2)


def test_duplicate_ids_are_refused():
    with pytest.raises(ValueError):
        FingerprintIndex.build([(1, "甲乙丙丁戊己庚辛"), (1, "子丑寅卯辰巳午未")])


def test_save_and_load_round_trip_memory_mapped(tmp_path, corpus):
    index = FingerprintIndex.build(corpus.items())
    index.save(tmp_path)
    loaded = FingerprintIndex.load(tmp_path, mmap=True)
    assert isinstance(loaded._hashes, np.memmap)
    assert loaded.doc_ids() == sorted(corpus)
    draft = corpus[10][:300]
    assert loaded.candidates(draft) == index.candidates(draft)
    assert stored_generation(tmp_path) == loaded.generation == index.generation


def test_add_remove_and_replace_survive_save_and_load(tmp_path, corpus):
    index = FingerprintIndex.build(corpus.items())
    index.save(tmp_path)
    loaded = FingerprintIndex.load(tmp_path)
    new_text = random_text(random.Random(99), 500)
    loaded.add(77, new_text)
    assert loaded.remove(3) is True
    assert loaded.remove(12345) is False
    loaded.add(10, corpus[42][:200])  # replaces document 10
    loaded.save(tmp_path)

    again = FingerprintIndex.load(tmp_path)
    assert again.doc_ids() == [7, 10, 42, 77, 1000]
    assert 3 not in again and 77 in again
    assert again.candidates(new_text)[0].doc_id == 77
    assert again.candidates(corpus[3][:300]) == []
    assert {c.doc_id for c in again.candidates(corpus[10][300:600])} == set()
    assert {c.doc_id for c in again.candidates(corpus[42][:200])} == {10, 42}
    assert again.normalised_length(10) == 200


def test_compact_folds_the_delta_into_the_main_arrays(tmp_path, corpus):
    index = FingerprintIndex.build(corpus.items())
    index.add(77, corpus[7][:300])
    index.remove(1000)
    before = {c.doc_id: c.shared for c in index.candidates(corpus[7])}
    index.compact()
    assert index.doc_ids() == [3, 7, 10, 42, 77]
    assert {c.doc_id: c.shared for c in index.candidates(corpus[7])} == before
    index.save(tmp_path)
    assert FingerprintIndex.load(tmp_path).doc_ids() == [3, 7, 10, 42, 77]
    names = {p.name for p in tmp_path.iterdir()}
    assert sum(name.startswith("main-") for name in names) == 4


def test_an_empty_index_answers_nothing(tmp_path):
    index = FingerprintIndex.build([])
    assert len(index) == 0
    assert index.candidates("人大代表要依法履职密切联系群众") == []
    index.save(tmp_path)
    assert len(FingerprintIndex.load(tmp_path)) == 0


def test_loading_a_directory_without_index_raises(tmp_path):
    with pytest.raises(FileNotFoundError):
        FingerprintIndex.load(tmp_path)
    assert stored_generation(tmp_path) is None


def test_apply_adds_replaces_and_removes_many_documents_at_once():
    corpus = {
        1: "人大代表要依法履职，认真审议各项报告，密切联系人民群众。",
        2: "常委会要加强代表工作，完善代表联系群众制度，提高代表建议办理质量。",
    }
    index = FingerprintIndex.build(corpus.items())
    third = "区人大常委会组织代表开展集中视察活动，围绕乡村振兴听取意见建议。"
    index.apply({1: None, 2: corpus[2], 3: third})
    assert index.doc_ids() == [2, 3]
    assert index.candidates(third)[0].doc_id == 3
    assert index.candidates(corpus[1]) == []
