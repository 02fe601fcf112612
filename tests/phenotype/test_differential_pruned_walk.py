"""The ranking's two shortcuts give exactly what the full computation gives, on real records: ``observed_scores``
stops after the last ancestor whose best ratio can beat a floor (``DiseaseIndex.log_best_ratio``), and the
explanation's "look for" list reads one mask of the terms below the child's findings (``below_observed``) instead
of scanning each feature's ancestors. The reference here is the walk as it was before the shortcuts."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from rarebone.intake import read_phenopacket
from rarebone.phenotype.differential import index as index_module
from rarebone.phenotype.differential import model
from rarebone.phenotype.differential import parameters, query_from_patient

STORE = Path(__file__).resolve().parents[1] / "data" / "phenopacket-store-sample"


def full_walk(index, row: int, params: dict) -> tuple[np.ndarray, np.ndarray]:
    """observed_scores without the early stop: every ancestor of the term, both passes."""
    n = index.n_diseases
    scores = model.unexplained_floor(index, params).copy()
    through = np.full(n, -1, dtype=np.int32)
    assigned = np.zeros(n, dtype=bool)
    ic_q = index.ic[row]
    for a in index.ancestors(row):
        diseases, freqs = index.diseases_of(int(a))
        if diseases.size == 0:
            continue
        fresh = ~assigned[diseases]
        if not fresh.any():
            continue
        d = diseases[fresh]
        value = np.log(freqs[fresh] / index.background[a]) - params["unexplained_penalty"] * (ic_q - index.ic[a])
        better = value > scores[d]
        scores[d[better]] = value[better]
        through[d[better]] = a
        assigned[d] = True
    for a in index.ancestors(row):
        diseases, freqs = index.direct_of(int(a))
        if diseases.size == 0:
            continue
        value = np.log(freqs / index.background[a]) - params["specific_penalty"] * (ic_q - index.ic[a])
        better = value > scores[diseases]
        scores[diseases[better]] = value[better]
        through[diseases[better]] = a
    return scores, through


@pytest.fixture(scope="module")
def real(kb):
    params = parameters(kb)
    return index_module.load_index(params), params


def _queries(params, count: int):
    files = sorted(STORE.glob("*.json"))
    step = max(1, len(files) // count)
    return [query_from_patient(read_phenopacket(f).patient, params) for f in files[::step][:count]]


def test_the_early_stop_changes_no_score_and_no_matched_ancestor(real):
    index, params = real
    rows = set()
    for query in _queries(params, 60):
        rows.update(r for r in (index.row(t) for t in query.observed) if r is not None)
    assert len(rows) > 150
    walked_less = 0
    for row in sorted(rows):
        expected_scores, expected_through = full_walk(index, row, params)
        scores, through = model.observed_scores(index, row, params)
        assert np.array_equal(scores, expected_scores), index.term_id(row)
        assert np.array_equal(through, expected_through), index.term_id(row)
        best = index.log_best_ratio[0][index.ancestors(row)]
        walked_less += bool(np.isfinite(best).any())
    assert walked_less  # the bound is defined for the terms of real records


def test_the_bound_is_an_upper_bound_of_every_disease_through_the_row(real):
    index, _ = real
    best_through, best_direct = index.log_best_ratio
    for row in range(0, len(index.term_ids), 97):
        diseases, freqs = index.diseases_of(row)
        if diseases.size:
            assert np.all(np.log(freqs / index.background[row]) <= best_through[row] + 1e-12)
        else:
            assert best_through[row] == -np.inf
        diseases, freqs = index.direct_of(row)
        if diseases.size:
            assert np.all(np.log(freqs / index.background[row]) <= best_direct[row] + 1e-12)


def test_the_mask_below_the_findings_is_the_ancestor_scan(real):
    index, params = real
    for query in _queries(params, 20):
        observed = [r for r in (index.row(t) for t in query.observed) if r is not None]
        mask = model.below_observed(index, observed)
        for feature_row in range(0, len(index.term_ids), 13):
            assert mask[feature_row] == any(o in index.ancestors(feature_row) for o in observed)
