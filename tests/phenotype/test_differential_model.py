"""The likelihood-ratio arithmetic of the differential on a hand-made index (so every number can be worked by hand),
and the published values behind its parameters."""

from __future__ import annotations

import math

import numpy as np
import pytest

from rarebone.phenotype.differential.index import DiseaseIndex, _frequency
from rarebone.phenotype.differential.model import Query, rank, rank_of, score
from rarebone.phenotype.differential.query import onset_class, parameters

# A toy ontology: HP:0000001 root > HP:0000118 phenotype > A (HP:0000002) > A1 (HP:0000003), A2 (HP:0000004);
# B (HP:0000005) under phenotype. Rows are the sorted integer ids.
IDS = [1, 2, 3, 4, 5, 118]
ROOT, A, A1, A2, B, PHEN = range(6)


def toy_index(disease_terms: list[list[tuple[int, float]]], sex=None, onsets=None) -> DiseaseIndex:
    ancestors = {ROOT: [ROOT], PHEN: [PHEN, ROOT], A: [A, PHEN, ROOT], A1: [A1, A, PHEN, ROOT],
                 A2: [A2, A, PHEN, ROOT], B: [B, PHEN, ROOT]}
    n = len(disease_terms)
    columns: dict[int, dict[int, float]] = {}
    for d, terms in enumerate(disease_terms):
        for row, f in terms:
            for a in ancestors[row]:
                if a in (ROOT, PHEN):
                    continue
                columns.setdefault(a, {})
                columns[a][d] = max(columns[a].get(d, 0.0), f)
    dis_ptr = np.zeros(len(IDS) + 1, dtype=np.int64)
    idx, freq = [], []
    for r in range(len(IDS)):
        items = sorted(columns.get(r, {}).items())
        idx += [k for k, _ in items]
        freq += [v for _, v in items]
        dis_ptr[r + 1] = len(idx)
    counts = np.diff(dis_ptr).astype(float)
    background = (counts + 0.5) / (n + 1.0)
    ic = -np.log(background)
    anc_ptr = np.zeros(len(IDS) + 1, dtype=np.int64)
    flat = []
    for r in range(len(IDS)):
        flat += sorted(ancestors[r], key=lambda a: -ic[a])
        anc_ptr[r + 1] = len(flat)
    return DiseaseIndex(
        hpo_release="toy", annotation_release="toy", term_ids=np.asarray(IDS, dtype=np.int32), anc_ptr=anc_ptr,
        anc_idx=np.asarray(flat, dtype=np.int32), dis_ptr=dis_ptr, dis_idx=np.asarray(idx, dtype=np.int32),
        dis_freq=np.asarray(freq, dtype=np.float32), background=background, ic=ic,
        disease_ids=[f"OMIM:{100000 + d}" for d in range(n)], disease_names=[f"disease {d}" for d in range(n)],
        disease_genes=[[] for _ in range(n)], disease_onsets=onsets or [[] for _ in range(n)],
        disease_sex=np.asarray(sex or [0] * n, dtype=np.int8), disease_group=np.arange(n, dtype=np.int32),
        member_pairs=np.zeros((0, 2), dtype=np.int32), top_features=[[(r, f) for r, f in terms] for terms in disease_terms], frequency_bounds=(0.5, 0.02, 0.95),
    )


@pytest.fixture(scope="module")
def params(kb):
    return parameters(kb)


def hp(row: int) -> str:
    return f"HP:{IDS[row]:07d}"


def test_exact_match_ratio_is_frequency_over_background(params):
    # disease 0 has A1 (f 0.8); disease 1 has B. background(A1) = (1 + 0.5) / (2 + 1) = 0.5 -> LR = 0.8 / 0.5 = 1.6
    index = toy_index([[(A1, 0.8)], [(B, 0.5)]])
    total = score(index, Query(observed=(hp(A1),)), dict(params, unrecorded_rate=0.0)).total
    assert math.isclose(total[0], math.log(0.8 / 0.5), rel_tol=1e-6)
    # disease 1 shares only the phenotype root with A1: not explained -> the false-positive floor
    assert math.isclose(total[1], math.log(params["unexplained_floor_lr"]), rel_tol=1e-6)


def test_child_more_specific_than_disease_feature_keeps_most_of_the_ratio(params):
    # disease 0 is annotated with A; the child has A1 (a specific form): direct match through A,
    # LR = f / background(A) x exp(-specific_penalty x (ic(A1) - ic(A)))
    index = toy_index([[(A, 0.6)], [(B, 0.6)]])
    p = dict(params, unrecorded_rate=0.0)
    total = score(index, Query(observed=(hp(A1),)), p).total
    expected = math.log(0.6 / index.background[A]) - p["specific_penalty"] * (index.ic[A1] - index.ic[A])
    assert math.isclose(total[0], max(expected, math.log(p["unexplained_floor_lr"])), rel_tol=1e-6)


def test_related_feature_through_a_sibling_counts_less_than_exact(params):
    # disease 0 has A2, disease 1 has A1; the child has A1: disease 1 (exact) above disease 0 (sibling)
    index = toy_index([[(A2, 0.8)], [(A1, 0.8)]])
    ranked, _ = rank(index, Query(observed=(hp(A1),)), dict(params, unrecorded_rate=0.0), top=2)
    assert [r.disease_id for r in ranked] == ["OMIM:100001", "OMIM:100000"]
    assert ranked[0].matches[0].matched_id == hp(A1)


def test_excluded_feature_lowers_the_disease_that_has_it(params):
    index = toy_index([[(A1, 0.9), (B, 0.9)], [(B, 0.9)]])
    p = dict(params, unrecorded_rate=0.0)
    with_exclusion = score(index, Query(observed=(hp(B),), excluded=(hp(A1),)), p).total
    without = score(index, Query(observed=(hp(B),)), p).total
    w = p["excluded_weight"]
    expected_lr = (1 - w * 0.9) / (1 - w * index.background[A1])
    assert math.isclose(with_exclusion[0] - without[0], math.log(max(expected_lr, p["excluded_floor_lr"])), rel_tol=1e-5)
    assert with_exclusion[1] == without[1]  # disease 1 does not have A1: unaffected


def test_excluded_ancestor_of_an_observed_term_is_dropped(params):
    # contradiction: A excluded, A1 (an A) observed -> the observed finding wins, A is not counted against anyone
    index = toy_index([[(A1, 0.9)], [(B, 0.9)]])
    p = dict(params, unrecorded_rate=0.0)
    both = score(index, Query(observed=(hp(A1),), excluded=(hp(A),)), p)
    assert both.excluded == []


def test_sex_limited_disease_is_all_but_excluded_for_the_other_sex(params):
    index = toy_index([[(A1, 0.8)], [(A1, 0.8)]], sex=[2, 0])  # disease 0 female-limited
    p = dict(params, unrecorded_rate=0.0)
    male = score(index, Query(observed=(hp(A1),), sex="male"), p).total
    female = score(index, Query(observed=(hp(A1),), sex="female"), p).total
    assert math.isclose(male[0] - female[0], math.log(p["sex_mismatch_lr"]), rel_tol=1e-6)
    assert male[1] == female[1]


def test_rank_of_counts_ties_against_the_answer(params):
    index = toy_index([[(A1, 0.8)], [(A1, 0.8)]])
    assert rank_of(index, Query(observed=(hp(A1),)), dict(params, unrecorded_rate=0.0), {"OMIM:100000"}) == 2


def test_unknown_query_terms_are_reported_not_dropped_silently(params):
    index = toy_index([[(A1, 0.8)]])
    _, unknown = rank(index, Query(observed=(hp(A1), "HP:9999999")), params)
    assert unknown == ["HP:9999999"]


def test_frequency_pooling_of_several_references():
    table = {"HP:0040281": 0.895}
    assert _frequency(["1/2", "3/4"], table, 0.5) == pytest.approx(4 / 6)  # counts pooled: 4 of 6 patients
    assert _frequency(["25%"], table, 0.5) == pytest.approx(0.25)
    assert _frequency(["HP:0040281"], table, 0.5) == pytest.approx(0.895)
    assert _frequency([""], table, 0.5) == pytest.approx(0.5)  # none published: the default


def test_patient_count_is_shrunk_towards_the_default_by_the_knowledge_base_pseudocount(params):
    # DDX-FREQUENCY-DEFAULT fraction_pseudocount (round ddx-hidden): (n + k x default) / (m + k)
    k, default = params["frequency_pseudocount"], params["frequency_default"]
    assert (k, default) == (0.5, 0.5)
    table: dict[str, float] = {}
    assert _frequency(["1/1"], table, default, k) == pytest.approx(1.25 / 1.5)  # one patient: not "all patients"
    assert _frequency(["0/2"], table, default, k) == pytest.approx(0.25 / 2.5)  # nor "none"
    assert _frequency(["1/2"], table, default, k) == pytest.approx(0.5)  # at the default: unchanged
    assert _frequency(["90/100"], table, default, k) == pytest.approx(90.25 / 100.5)  # many patients: hardly moves
    assert _frequency(["1/2", "3/4"], table, default, k) == pytest.approx(4.25 / 6.5)  # pooled first, then shrunk
    assert _frequency(["25%", "HP:0040281"], {"HP:0040281": 0.895}, default, k) == pytest.approx((0.25 + 0.895) / 2)
    assert _frequency(["1/1"], table, default, 0.0) == pytest.approx(1.0)  # without the pseudocount: n/m as published


@pytest.mark.parametrize("term, low, high", [
    ("HP:0040281", 0.80, 0.99),  # Very frequent 80-99%
    ("HP:0040282", 0.30, 0.79),  # Frequent 30-79%
    ("HP:0040283", 0.05, 0.29),  # Occasional 5-29%
    ("HP:0040284", 0.01, 0.04),  # Very rare 1-4%
])
def test_frequency_term_midpoints_against_hpo_definitions(kb, term, low, high):
    value = kb.get("DDX-FREQUENCY-TERMS").values[term]
    assert value == pytest.approx((low + high) / 2)
    assert low < value < high


@pytest.mark.parametrize("age_days, expected", [
    (0, "HP:0003577"),  # congenital: at birth
    (27.9, "HP:0003623"), (28, "HP:0003593"),  # neonatal < 28 days (HPO onset definitions)
    (365.2, "HP:0003593"), (365.25, "HP:0011463"),  # infantile < 1 year
    (1826.2, "HP:0011463"), (1826.25, "HP:0003621"),  # childhood < 5 years
    (5843.9, "HP:0003621"), (5844, "HP:0003581"),  # juvenile < 16 years (5844 days), adult from 16
])
def test_onset_class_boundaries_against_hpo_onset_definitions(kb, age_days, expected):
    assert onset_class(age_days, parameters(kb)["onset_bands"]) == expected


def test_excluded_feature_counts_from_very_frequent_against_hpo_frequency(params):
    # HPO-FREQUENCY: "Very frequent" is 80-99%; an excluded feature counts only from its lower bound (0.8)
    assert params["excluded_min_frequency"] == 0.8
    p = dict(params, unrecorded_rate=0.0)
    for frequency, counts in ((0.79, False), (0.8, True)):
        index = toy_index([[(A1, frequency), (B, 0.9)], [(B, 0.9)]])
        with_exclusion = score(index, Query(observed=(hp(B),), excluded=(hp(A1),)), p).total
        without = score(index, Query(observed=(hp(B),)), p).total
        assert bool(with_exclusion[0] < without[0]) is counts, frequency
        assert with_exclusion[1] == without[1]


def test_unrecorded_rate_grows_with_the_record_up_to_full_record_terms(params):
    # DDX-UNRECORDED-FEATURE (rarebone's calibration, unverified): a record of n terms applies the recorded
    # probability times min(1, n / full_record_terms); a disease's unrecorded feature B (f 0.9) costs
    # log(1 - r x 0.9) in full only from full_record_terms observed terms. Checked on both sides of the boundary.
    from rarebone.phenotype.differential.model import unrecorded_scores

    full, rate = params["unrecorded_full_record_terms"], params["unrecorded_rate"]
    assert full == 5 and rate == 0.1
    index = toy_index([[(B, 0.9)]])
    for n, share in ((1, 1 / full), (full - 1, (full - 1) / full), (full, 1.0), (full + 1, 1.0)):
        got = unrecorded_scores(index, [A1] * n, [], params)[0]
        assert math.isclose(got, math.log(1 - rate * share * 0.9)), n
    off = unrecorded_scores(index, [A1], [], dict(params, unrecorded_full_record_terms=0))[0]
    assert math.isclose(off, math.log(1 - rate * 0.9))  # 0 switches the scaling off
