"""The likelihood-ratio ranking (docs/differential.md).

For each disease D and each of the child's features, a likelihood ratio LR = P(feature | D) / P(feature | any
annotated disease), in the spirit of LIRICAL (Robinson 2020):
- observed term q: take the most specific ancestor-or-self ``a`` of q that D has (directly or through a
  descendant; "D has a" with frequency f). LR = f / background(a) x exp(-penalty x (ic(q) - ic(a))): an exact
  match keeps the full ratio, a match through a vaguer ancestor loses the information the ancestor does not
  carry. No shared phenotypic ancestor, or a ratio below it: the false-positive floor.
- excluded term q: LR = (1 - f) / (1 - background(q)) where D has q with frequency f; else 1.
- onset class and sex limitation, when recorded and annotated.
The composite LR is the product; the post-test probability assumes the child has exactly one of the N annotated
diseases, each equally likely beforehand (pre-test 1/N). Every number comes from DDX-* knowledge entries.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from rarebone.phenotype.differential.index import CURATED, DiseaseIndex

LN10 = np.log(10.0)


@dataclass(frozen=True)
class Query:
    observed: tuple[str, ...]
    excluded: tuple[str, ...] = ()
    onset_term: str | None = None  # HPO onset class of the earliest feature
    age_term: str | None = None  # HPO onset class of the child's age: no feature began later (used without onset_term)
    sex: str | None = None  # "male" | "female" | None


@dataclass(frozen=True)
class TermMatch:
    query_id: str
    matched_id: str | None  # the disease's term the match went through (None: unexplained)
    frequency: float | None
    log10_lr: float


@dataclass
class RankedDisease:
    rank: int
    disease_id: str
    name: str
    genes: list[str]
    same_disease_ids: list[str]  # the same disease under another id (Orphanet entry named like the OMIM one)
    log10_lr: float
    post_test_probability: float
    matches: list[TermMatch] = field(default_factory=list)
    excluded_conflicts: list[TermMatch] = field(default_factory=list)
    onset_log10_lr: float = 0.0
    sex_log10_lr: float = 0.0
    look_for: list[tuple[str, float | None]] = field(default_factory=list)  # (HPO id, published frequency) not recorded


def _most_specific(index: DiseaseIndex, rows: list[int]) -> list[int]:
    """Drop a term when a more specific observed term implies it: "optic atrophy" adds nothing beside
    "bilateral optic atrophy", and counting both would count one finding twice."""
    keep = []
    ancestors_of_others = set()
    for r in rows:
        ancestors_of_others.update(int(a) for a in index.ancestors(r) if a != r)
    for r in rows:
        if r not in ancestors_of_others and r not in keep:
            keep.append(r)
    return keep


_FLOOR_CACHE: dict[tuple, np.ndarray] = {}


def unexplained_floor(index: DiseaseIndex, params: dict) -> np.ndarray:
    """Natural-log LR of a feature the disease does not explain, per disease. A disease described by few
    annotations is more likely to have an unrecorded true feature, so its floor rises towards 1 with a pseudocount
    k: floor + (1 - floor) x k / (n + k), n its number of annotated features (k = 0: one floor for all)."""
    floor, k = params["unexplained_floor_lr"], params.get("thin_pseudocount", 0.0)
    key = (id(index), floor, k)
    cached = _FLOOR_CACHE.get(key)
    if cached is None:
        ptr = index.feature_arrays[0]
        n = np.diff(ptr).astype(np.float64)
        cached = np.log(floor + (1.0 - floor) * k / (n + k)) if k > 0 else np.full(index.n_diseases, np.log(floor))
        _FLOOR_CACHE[key] = cached
    return cached


def observed_scores(index: DiseaseIndex, row: int, params: dict) -> tuple[np.ndarray, np.ndarray]:
    """Natural-log LR of one observed term for every disease, and the term row each disease matched through.

    Two kinds of match: the disease is annotated with the term or one of its ancestors (the child shows a
    specific form of a disease feature: LR = f / background of that feature, as in LIRICAL), or the disease only
    shares an ancestor through another branch (a related but different feature: the ratio of the shared ancestor,
    reduced by the information it does not carry). The better of the two counts."""
    n = index.n_diseases
    floor = unexplained_floor(index, params)
    scores = floor.copy()
    through = np.full(n, -1, dtype=np.int32)
    assigned = np.zeros(n, dtype=bool)
    ic_q = index.ic[row]
    penalty = params["unexplained_penalty"]
    ancestors = index.ancestors(row)
    # The vague ancestors near the root (thousands of diseases each) can rarely beat the floor after the penalty:
    # an ancestor whose best ratio cannot beat the lowest floor changes no score, and neither does any vaguer one
    # after it, so the walk stops after the last ancestor that can (a margin keeps rounding on the safe side).
    best_through, best_direct = index.log_best_ratio
    cutoff = float(floor.min()) - 1e-9
    gain = ic_q - index.ic[ancestors]
    useful = np.flatnonzero(best_through[ancestors] - penalty * gain > cutoff)
    for a in ancestors[: useful[-1] + 1 if useful.size else 0]:  # most specific first
        diseases, freqs = index.diseases_of(int(a))
        if diseases.size == 0:
            continue
        fresh = ~assigned[diseases]
        if not fresh.any():
            continue
        d = diseases[fresh]
        value = np.log(freqs[fresh] / index.background[a]) - penalty * (ic_q - index.ic[a])
        better = value > scores[d]
        scores[d[better]] = value[better]
        through[d[better]] = a
        assigned[d] = True
    for a in ancestors[best_direct[ancestors] - params["specific_penalty"] * gain > cutoff]:
        diseases, freqs = index.direct_of(int(a))
        if diseases.size == 0:
            continue
        value = np.log(freqs / index.background[a]) - params["specific_penalty"] * (ic_q - index.ic[a])
        better = value > scores[diseases]
        scores[diseases[better]] = value[better]
        through[diseases[better]] = a
    return scores, through


def excluded_scores(index: DiseaseIndex, row: int, params: dict) -> np.ndarray:
    """Only a feature the disease has in most patients (at least ``excluded_min_frequency``, HPO's "very frequent"
    boundary) counts when the child is recorded without it: absences are written down mostly for the features of
    the disease the author had in mind (pertinent negatives), so an occasional feature's absence, or one of
    unpublished frequency, is weak evidence and in the phenopacket-store mostly marked the true disease."""
    scores = np.zeros(index.n_diseases)
    diseases, freqs = index.diseases_of(row)
    frequent = freqs >= params.get("excluded_min_frequency", 0.0)
    diseases, freqs = diseases[frequent], freqs[frequent]
    if diseases.size:
        weight = params["excluded_weight"]
        lr = (1.0 - weight * freqs) / (1.0 - weight * min(index.background[row], 0.99))
        scores[diseases] = np.log(np.maximum(lr, params["excluded_floor_lr"]))
    return scores


_ONSET_CACHE: dict[tuple[int, int], np.ndarray] = {}


def _flat_onsets(index: DiseaseIndex) -> tuple[np.ndarray, np.ndarray]:
    onsets = index.disease_onsets
    if hasattr(onsets, "_ptr"):
        return np.asarray(onsets._ptr), np.asarray(onsets._columns[0])
    ptr = np.zeros(index.n_diseases + 1, dtype=np.int64)
    flat: list[int] = []
    for d, rows in enumerate(onsets):
        flat.extend(rows)
        ptr[d + 1] = len(flat)
    return ptr, np.asarray(flat, dtype=np.int64)


def onset_scores(index: DiseaseIndex, onset_row: int | None, params: dict) -> np.ndarray:
    if onset_row is None:
        return np.zeros(index.n_diseases)
    adjacent_neutral = bool(params.get("onset_adjacent_neutral", 0))
    key = (id(index), onset_row, params["onset_match_lr"], params["onset_mismatch_lr"], adjacent_neutral)
    cached = _ONSET_CACHE.get(key)
    if cached is None:
        # vectorised over the flat onset arrays: a Python loop over 12,000 diseases cost ~60 ms of the cold start
        ptr, onsets = _flat_onsets(index)
        related = {int(a) for a in index.ancestors(onset_row)}
        lookup = np.zeros(int(onsets.max()) + 1 if len(onsets) else 1, dtype=np.int32)
        near = np.zeros_like(lookup)
        child_class = _onset_position(index, onset_row)
        for o in np.unique(onsets):  # a handful of onset classes
            lookup[o] = int(o) in related or onset_row in index.ancestors(int(o))
            # the classes are bins of a continuous age, and reports date onset loosely: a "neonatal onset" disease
            # first noticed at six weeks (infantile) is no evidence against it, so the next class either side is
            # neither a match nor a mismatch
            position = _onset_position(index, int(o))
            near[o] = (adjacent_neutral and child_class is not None and position is not None
                       and abs(position - child_class) <= 1)
        counts = np.diff(ptr)
        hits = np.where(counts > 0, np.add.reduceat(np.append(lookup[onsets], 0), ptr[:-1]), 0)  # reduceat needs
        close = np.where(counts > 0, np.add.reduceat(np.append(near[onsets], 0), ptr[:-1]), 0)  # a start below len
        match, mismatch = np.log(params["onset_match_lr"]), np.log(params["onset_mismatch_lr"])
        cached = np.where(counts == 0, 0.0, np.where(hits > 0, match, np.where(close > 0, 0.0, mismatch)))
        _ONSET_CACHE[key] = cached
    return cached


# HPO onset classes in the order of life (HPO-ONSET): antenatal, congenital, neonatal, infantile, childhood,
# juvenile, adult; a disease's onset term is placed at the class it belongs to, or at the earliest class below it
ONSET_ORDER = ("HP:0030674", "HP:0003577", "HP:0003623", "HP:0003593", "HP:0011463", "HP:0003621", "HP:0003581")
_AGE_CACHE: dict[tuple, np.ndarray] = {}


def _onset_position(index: DiseaseIndex, row: int) -> int | None:
    """Place of an onset term in ONSET_ORDER: its own class or the class it belongs to (None: a term above them,
    such as "Pediatric onset")."""
    classes = {index.row(t): i for i, t in enumerate(ONSET_ORDER) if index.row(t) is not None}
    return next((classes[int(a)] for a in index.ancestors(row) if int(a) in classes), None)


def age_bound_scores(index: DiseaseIndex, age_row: int | None, params: dict) -> np.ndarray:
    """A child's features began no later than its age: a disease whose every annotated onset class is later than
    the child's age class (an adult-onset disease in an infant) takes the onset mismatch ratio; others are
    unaffected (an onset before the age says nothing the child's record does not)."""
    if age_row is None:
        return np.zeros(index.n_diseases)
    key = (id(index), age_row, params["onset_mismatch_lr"])
    cached = _AGE_CACHE.get(key)
    if cached is None:
        classes = [index.row(t) for t in ONSET_ORDER]
        position = {r: i for i, r in enumerate(classes) if r is not None}
        age = next((position[int(a)] for a in index.ancestors(age_row) if int(a) in position), None)
        ptr, onsets = _flat_onsets(index)
        earliest = np.full(int(onsets.max()) + 1 if len(onsets) else 1, -1, dtype=np.int32)
        for o in np.unique(onsets):
            o = int(o)
            own = [position[int(a)] for a in index.ancestors(o) if int(a) in position]
            below = [i for r, i in position.items() if o in index.ancestors(r)]  # "Pediatric onset" and the like
            earliest[o] = min(own) if own else min(below) if below else -1
        counts = np.diff(ptr)
        values = np.append(earliest[onsets], 10**6)  # reduceat needs every start below the length
        first = np.where(counts > 0, np.minimum.reduceat(values, np.minimum(ptr[:-1], len(values) - 1)), -1)
        later = (counts > 0) & (first > age) if age is not None else np.zeros(index.n_diseases, dtype=bool)
        cached = np.where(later, np.log(params["onset_mismatch_lr"]), 0.0)
        _AGE_CACHE[key] = cached
    return cached


def sex_scores(index: DiseaseIndex, sex: str | None, params: dict) -> np.ndarray:
    scores = np.zeros(index.n_diseases)
    if sex in ("male", "female"):
        other = 2 if sex == "male" else 1  # 1 male-limited, 2 female-limited
        scores[index.disease_sex == other] = np.log(params["sex_mismatch_lr"])
    return scores


def below_observed(index: DiseaseIndex, observed_rows: list[int]) -> np.ndarray:
    """Per term row: True when one of its ancestors-or-self is an observed term (the child shows a vaguer form of
    that feature, or the feature itself). One gather over the ancestor lists, numpy only (no scipy at the bedside)."""
    observed = np.zeros(len(index.term_ids), dtype=bool)
    observed[list(observed_rows)] = True
    hits = observed[index.anc_idx].astype(np.int32)
    return np.add.reduceat(hits, index.anc_ptr[:-1]) > 0


def unrecorded_scores(index: DiseaseIndex, observed_rows: list[int], excluded_rows: list[int],
                      params: dict, below: np.ndarray | None = None) -> np.ndarray:
    """A disease's own features that the record neither shows nor rules out lower its ratio a little: a present
    feature is written down only with probability ``recorded``, so LR = 1 - recorded x frequency each."""
    # a thin record (two or three terms) writes down only its main findings: the chance that any one present feature
    # is recorded rises with the number of terms recorded, up to the full rate at ``full_record_terms`` terms
    full = params.get("unrecorded_full_record_terms", 0)
    rate = params["unrecorded_rate"] * (min(1.0, len(observed_rows) / full) if full > 0 else 1.0)
    n = index.n_diseases
    if rate <= 0 or not observed_rows:
        return np.zeros(n)
    ptr, rows, freqs = index.feature_arrays
    explained = np.zeros(len(index.term_ids), dtype=bool)
    for row in observed_rows:
        explained[index.ancestors(row)] = True  # the record shows it, or a more specific form of it
    # the record shows a vaguer form of it: neither for nor against
    explained |= below_observed(index, observed_rows) if below is None else below
    explained[excluded_rows] = True  # counted by the excluded-feature ratio instead
    # a curated feature is one wording among alternatives (knee pain, jaw pain, ...): its absence says nothing
    contribution = np.where(explained[rows] | index.curated_mask, 0.0, np.log1p(-rate * freqs))
    sums = np.add.reduceat(contribution, ptr[:-1]) if len(contribution) else np.zeros(n)
    sums[ptr[:-1] == ptr[1:]] = 0.0  # reduceat repeats a value for empty groups
    return sums


@dataclass
class _Scored:
    total: np.ndarray
    observed: list  # (row, scores, through)
    excluded: list  # (row, scores)
    onset: np.ndarray
    sex: np.ndarray
    unknown: list[str]
    below: np.ndarray  # below_observed of the child's findings, for the explanation's "look for" list


def score(index: DiseaseIndex, query: Query, params: dict) -> _Scored:
    """Natural-log composite LR of every indexed disease, with the per-term parts kept for the explanation."""
    unknown = [t for t in (*query.observed, *query.excluded) if index.row(t) is None]
    observed_rows = [index.row(t) for t in query.observed if t not in unknown]
    excluded_rows = [index.row(t) for t in query.excluded if t not in unknown]
    observed_rows = _most_specific(index, observed_rows)
    # an excluded term that is an ancestor of an observed one contradicts it: the observed finding wins
    implied = set()
    for row in observed_rows:
        implied.update(int(a) for a in index.ancestors(row))
    excluded_rows = [r for r in dict.fromkeys(excluded_rows) if r not in implied]
    total = np.zeros(index.n_diseases)
    observed = []
    for row in observed_rows:
        scores, through = observed_scores(index, row, params)
        total += scores
        observed.append((row, scores, through))
    excluded = []
    for row in excluded_rows:
        scores = excluded_scores(index, row, params)
        total += scores
        excluded.append((row, scores))
    if query.onset_term:
        onset = onset_scores(index, index.row(query.onset_term), params)
    else:
        onset = age_bound_scores(index, index.row(query.age_term) if query.age_term else None, params)
    sex = sex_scores(index, query.sex, params)
    below = below_observed(index, observed_rows)
    unrecorded = unrecorded_scores(index, observed_rows, [row for row, _ in excluded], params, below)
    total = total + onset + sex + unrecorded
    return _Scored(total, observed, excluded, onset, sex, unknown, below)


def rank(index: DiseaseIndex, query: Query, params: dict, top: int = 20) -> tuple[list[RankedDisease], list[str]]:
    """The top diseases with their explanations, and the query terms the index does not know."""
    scored = score(index, query, params)
    total = scored.total
    # one line per disease group (an OMIM entry and its same-named Orphanet entry), at the better of the two
    order = []
    seen_groups: set[int] = set()
    for d in np.argsort(-total, kind="stable"):
        g = int(index.disease_group[d])
        if g not in seen_groups:
            seen_groups.add(g)
            order.append(int(d))
            if len(order) == top:
                break
    shifted = np.exp(total - total.max())
    group_mass = np.zeros(index.n_diseases)
    np.maximum.at(group_mass, index.disease_group, shifted)
    posterior = shifted / group_mass.sum()
    observed_rows = [row for row, _, _ in scored.observed]
    implied = set()
    for row in observed_rows:
        implied.update(int(a) for a in index.ancestors(row))
    excluded_rows = {row for row, _ in scored.excluded}
    below = scored.below
    results = []
    for position, d in enumerate(order, start=1):
        d = int(d)
        matches = [TermMatch(index.term_id(row), index.term_id(int(through[d])) if through[d] >= 0 else None,
                             _freq(index, int(through[d]), d) if through[d] >= 0 else None, float(scores[d] / LN10))
                   for row, scores, through in scored.observed]
        conflicts = [TermMatch(index.term_id(row), index.term_id(row), _freq(index, row, d), float(scores[d] / LN10))
                     for row, scores in scored.excluded if scores[d] < 0]
        look_for = []
        for feature_row, freq in index.top_features[d]:
            if freq == CURATED or feature_row in implied or feature_row in excluded_rows:
                continue
            if below[feature_row]:
                continue  # the child has a more general form of it already; not news
            look_for.append((index.term_id(feature_row), float(freq) if freq >= 0 else None))
            if len(look_for) == 5:
                break
        same = [index.disease_ids[o] for o in np.flatnonzero(index.disease_group == index.disease_group[d]) if o != d]
        results.append(RankedDisease(
            rank=position, disease_id=index.disease_ids[d], name=index.disease_names[d], genes=index.disease_genes[d],
            same_disease_ids=same,
            log10_lr=float(total[d] / LN10), post_test_probability=float(posterior[d]), matches=matches,
            excluded_conflicts=conflicts, onset_log10_lr=float(scored.onset[d] / LN10),
            sex_log10_lr=float(scored.sex[d] / LN10), look_for=look_for,
        ))
    return results, scored.unknown


def rank_of(index: DiseaseIndex, query: Query, params: dict, disease_ids: set[str]) -> int | None:
    """1-based rank of the best-placed of ``disease_ids`` (for evaluation); None when none is indexed.
    Ties are broken against the answer (a tie counts as the worse rank)."""
    return rank_among(index, score(index, query, params).total, truth_rows(index, disease_ids))


def truth_rows(index: DiseaseIndex, disease_ids: set[str], contained: bool = False) -> list[int]:
    """Index rows of ``disease_ids``; with ``contained``, a broader entry also stands for the entries it contains
    (equivalence.py; Orphanet's BTNT/NTBT relations): a case recorded as an Orphanet group is matched by any of its
    OMIM subtypes, a case recorded as an OMIM entry by Orphanet's narrower forms of it, never the other way round.
    The same disease under another id needs no expansion: it shares the group row already."""
    rows = [i for i, d in enumerate(index.disease_ids) if d in disease_ids] if disease_ids else []
    if contained and rows and len(index.member_pairs):
        groups = set(rows)
        rows = rows + [int(m) for o, m in index.member_pairs if int(o) in groups]
    return rows


def rank_among(index: DiseaseIndex, total: np.ndarray, rows: list[int], grouping: np.ndarray | None = None
               ) -> int | None:
    """Rank of the best of ``rows`` among disease groups (one line per group, at its best member); ``grouping``
    replaces the index's groups (e.g. phenotypic series, for evaluation)."""
    if not rows:
        return None
    grouping = index.disease_group if grouping is None else grouping
    groups = np.full(index.n_diseases, -np.inf)
    np.maximum.at(groups, grouping, total)
    best = max(groups[grouping[r]] for r in rows)
    return int((groups >= best).sum())


def _freq(index: DiseaseIndex, term_row: int, disease_row: int) -> float | None:
    diseases, freqs = index.diseases_of(term_row)
    pos = np.searchsorted(diseases, disease_row)
    if pos < diseases.size and diseases[pos] == disease_row:
        return float(freqs[pos])
    return None
