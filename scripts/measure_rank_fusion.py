"""Offline measurement (round ddx-fuse, docs/differential.md): does fusing the likelihood-ratio ranking with a
semantic-similarity ranking (Resnik best-match average, as Phenomizer and hpo3's baseline rank) generalise?

Not part of the product. Two steps:
    python scripts/measure_rank_fusion.py collect dev|heldout|sample|store OUTDIR [--hpo3]
    python scripts/measure_rank_fusion.py report OUTDIR dev,heldout,sample,store
``collect`` keeps, per case, one score per disease line (the same OMIM/Orphanet groups the differential ranks) for
the LR model and for the similarities, and the truth lines (headline counting: containment as the evaluation);
``report`` prints top-1/3/10 and MRR of each method alone, how many of the LR's misses it finds and how many of the
LR's hits it loses, and the same for rank fusion (reciprocal rank fusion, log-Borda) and a score combination.
Similarities (all Resnik, information content from the differential's index, ic = -ln share of diseases):
- ``SYM``: funSimAvg over the index's own (pooled, curated) features of each disease;
- ``SYMh``: funSimAvg over hpo3's own annotation set of each id, every term counted (the inheritance and onset
  terms of the set match nothing and so lower the disease-to-query mean of a thinly annotated entry, as in hpo3);
- ``QD``: the query-to-disease best-match average only (Phenomizer's asymmetric form);
- ``H3`` (with --hpo3): hpo3's own ``batch_set_similarity`` (Resnik, funSimAvg), the evaluation's baseline.
The store set is ``random.Random(2028).sample(sorted member paths of phenopacket-store-full.tar.xz, 3000)``.
Run with PYTHONPATH=src from the repository root.
"""

from __future__ import annotations

import argparse
import random
import sys
import tarfile
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
STORE_TAR = ROOT.parent.parent / "shared" / "data" / "phenopacket-store-full.tar.xz"


def _files(name: str, store_tar: Path, workdir: Path):
    from rarebone.intake import expand_inputs
    from rarebone.validation.differential_eval import read_key

    if name in ("dev", "heldout"):
        folder = ROOT / "tests" / "data" / ("real-cases" if name == "dev" else "real-cases-heldout")
        return expand_inputs([folder]), read_key([folder / "keys"])
    if name == "sample":
        return expand_inputs([ROOT / "tests" / "data" / "phenopacket-store-sample"]), None
    with tarfile.open(store_tar) as tar:
        members = sorted((m for m in tar.getmembers() if m.isfile() and m.name.endswith(".json")),
                         key=lambda m: m.name)
        chosen = sorted(random.Random(2028).sample([m.name for m in members], 3000))
        wanted = set(chosen)
        tar.extractall(workdir, members=[m for m in members if m.name in wanted], filter="data")
    return [workdir / n for n in chosen], None


def collect(name: str, out: Path, hpo3_baseline: bool, store_tar: Path) -> None:
    from rarebone.errors import InputError
    from rarebone.intake import read_phenopacket
    from rarebone.knowledge import load
    from rarebone.knowledge._diseases import disease_index_for
    from rarebone.phenotype.differential import load_index, parameters, query_from_patient, score, truth_rows
    from rarebone.phenotype.differential.model import _most_specific
    from rarebone.phenotype.labs import with_lab_findings
    from rarebone.phenotype.ontology import hpo3
    from rarebone.validation.differential_eval import BaselineRanker, _indexable, truth_from_file

    kb = load()
    xrefs, params = disease_index_for(kb), parameters(kb)
    index = load_index(params)
    n_terms, n = len(index.term_ids), index.n_diseases
    valid = np.diff(index.dis_ptr) > 0  # annotates some disease: excludes the non-phenotype roots (IC undefined)
    ic = np.where(valid, index.ic, 0.0)
    group = index.disease_group
    n_groups = int(group.max()) + 1
    fptr, frows, _ = index.feature_arrays
    # hpo3's own set per id (every annotated term, phenotypic or not), for SYMh
    ontology = hpo3()
    by_id = {f"OMIM:{d.id}": d for d in ontology.omim_diseases} | {f"ORPHA:{d.id}": d for d in ontology.orpha_diseases}
    hptr, hrows = [0], []
    for disease_id in index.disease_ids:
        hrows.extend(r for r in (index.row(f"HP:{t:07d}") for t in by_id[disease_id].hpo) if r is not None)
        hptr.append(len(hrows))
    hptr_a, hrows_a = np.asarray(hptr), np.asarray(hrows)

    def per_term(rows: list[int]) -> np.ndarray:
        """Per term t: max IC of an ancestor t shares with any of ``rows`` (Resnik to the best query term)."""
        u = np.zeros(n_terms)
        for q in rows:
            anc = index.ancestors(q)
            u[anc] = ic[anc]
        return np.maximum.reduceat(u[index.anc_idx], index.anc_ptr[:-1])

    def mean_per_disease(values, ptr):
        out = np.zeros(n)
        nonempty = ptr[:-1] < ptr[1:]
        out[nonempty] = np.add.reduceat(values, ptr[:-1][nonempty]) / np.diff(ptr)[nonempty]
        return out

    def max_per_disease(values, ptr):
        out = np.zeros(n)
        nonempty = ptr[:-1] < ptr[1:]
        out[nonempty] = np.maximum.reduceat(values, ptr[:-1][nonempty])
        return out

    def similarities(rows: list[int]):
        q_own = np.mean([max_per_disease(per_term([q])[frows], fptr) for q in rows], axis=0)
        q_h3 = np.mean([max_per_disease(per_term([q])[hrows_a], hptr_a) for q in rows], axis=0)
        m = per_term(rows)
        return q_own, 0.5 * (q_own + mean_per_disease(m[frows], fptr)), 0.5 * (q_h3 + mean_per_disease(m[hrows_a], hptr_a))

    def lines(x):
        g = np.full(n_groups, -np.inf)
        np.maximum.at(g, group, x)
        return g.astype(np.float32)

    ranker = BaselineRanker(index) if hpo3_baseline else None
    with tempfile.TemporaryDirectory() as tmp:
        files, key = _files(name, store_tar, Path(tmp))
        rec: dict[str, list] = {k: [] for k in ("names", "coded", "truths", "LR", "QD", "SYM", "SYMh", "H3")}
        for path in files:
            if key is not None:
                entry = key.get(path.name) or next((v for k, v in key.items() if path.as_posix().endswith(k)), None)
                if entry is None:
                    continue
                truth = _indexable({entry[0]}, xrefs)
            else:
                truth = _indexable(truth_from_file(path), xrefs)
                if not truth:
                    continue
            try:
                patient, _ = with_lab_findings(read_phenopacket(path).patient, kb)
            except InputError:
                continue
            query = query_from_patient(patient, params)
            rows = _most_specific(index, [index.row(t) for t in query.observed if index.row(t) is not None])
            rows_all = list(dict.fromkeys(index.row(t) for t in query.observed if index.row(t) is not None))
            zero = np.zeros(n)
            qd, sym, _ = similarities(rows) if rows else (zero, zero, zero)
            symh = similarities(rows_all)[2] if rows_all else zero  # hpo3 reads every recorded term
            rec["names"].append(path.name)
            rec["coded"].append(any(t.startswith(("OMIM:", "ORPHA:")) for t in truth))
            rec["truths"].append(",".join(str(g) for g in sorted({int(group[r]) for r in
                                                                   truth_rows(index, truth, contained=True)})))
            for label, values in (("LR", score(index, query, params).total), ("QD", qd), ("SYM", sym), ("SYMh", symh)):
                rec[label].append(lines(values))
            if ranker is not None:
                s = ranker.group_scores(query.observed)
                rec["H3"].append(lines(np.asarray(s) if s is not None else zero))
    out.mkdir(parents=True, exist_ok=True)
    np.savez(out / f"{name}.npz", **{k: np.asarray(v) for k, v in rec.items() if len(v)})
    print(f"{name}: {len(rec['names'])} cases -> {out / (name + '.npz')}")


def _rank_matrix(score: np.ndarray) -> np.ndarray:
    """Per case, per line: 1-based rank, ties counted as the worse place (as the evaluation does)."""
    ordered = np.sort(score, axis=1)
    return np.stack([score.shape[1] - np.searchsorted(ordered[i], score[i], side="left")
                     for i in range(score.shape[0])]).astype(np.float64)


def _ranks(score: np.ndarray, truths: list[list[int]]) -> list[int | None]:
    return [int((s >= s[t].max()).sum()) if t else None for s, t in zip(score, truths)]


def report(out: Path, sets: list[str]) -> None:
    for name in sets:
        z = np.load(out / f"{name}.npz")
        keep = z["coded"] if name in ("dev", "heldout") else np.ones(len(z["names"]), dtype=bool)
        truths = [[int(x) for x in t.split(",")] if t else [] for t in z["truths"][keep]]
        lr = z["LR"][keep].astype(np.float64)
        base, r_lr = _ranks(lr, truths), _rank_matrix(lr)

        def line(label, ranks):
            k = lambda c: sum(1 for r in ranks if r is not None and r <= c)  # noqa: E731
            found = sum(1 for a, b in zip(base, ranks) if a is not None and a > 10 and b <= 10)
            lost = sum(1 for a, b in zip(base, ranks) if a is not None and a <= 10 and b > 10)
            mrr = sum(1 / r for r in ranks if r) / len(ranks)
            print(f"  {label:<24} {k(1):5d} {k(3):5d} {k(10):5d}  {mrr:.3f}  +{found} / -{lost}")

        print(f"{name} (n={len(base)}): top-1 top-3 top-10 MRR, LR misses found / LR hits lost")
        line("LR", base)
        for method in ("QD", "SYM", "SYMh", "H3"):
            if method not in z.files:
                continue
            sim = z[method][keep].astype(np.float64)
            r_sim = _rank_matrix(sim)
            line(f"{method} alone", _ranks(sim, truths))
            top = sim.max(axis=1, keepdims=True)
            normalised = sim / np.where(top > 0, top, 1.0)
            for w in (0.05, 0.1, 0.2, 0.3):
                line(f"{method} log-Borda w={w}", _ranks(-(np.log(r_lr) + w * np.log(r_sim)), truths))
            for k, w in ((10, 0.1), (10, 0.25), (60, 0.1), (60, 1.0)):
                line(f"{method} RRF k={k} w={w}", _ranks(1 / (k + r_lr) + w / (k + r_sim), truths))
            for lam in (0.25, 1.0, 2.0):
                line(f"{method} log10 LR + {lam} x sim", _ranks(lr / np.log(10) + lam * normalised, truths))


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    c = sub.add_parser("collect")
    c.add_argument("set", choices=("dev", "heldout", "sample", "store"))
    c.add_argument("out", type=Path)
    c.add_argument("--hpo3", action="store_true", help="also hpo3's own ranking (about 1 s CPU a case)")
    c.add_argument("--store-tar", type=Path, default=STORE_TAR)
    r = sub.add_parser("report")
    r.add_argument("out", type=Path)
    r.add_argument("sets")
    args = parser.parse_args(argv)
    if args.command == "collect":
        if args.set == "store" and not args.store_tar.is_file():
            print(f"error: no phenopacket-store tarball at {args.store_tar} (--store-tar)", file=sys.stderr)
            return 2
        collect(args.set, args.out, args.hpo3, args.store_tar)
    else:
        missing = [s for s in args.sets.split(",") if not (args.out / f"{s}.npz").is_file()]
        if missing:
            print(f"error: not collected yet: {', '.join(missing)} (run collect first)", file=sys.stderr)
            return 2
        report(args.out, args.sets.split(","))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
