"""Differential speed: index build (cold), index load from the cache, per-case ranking time, beside hpo3's Resnik
(funSimAvg) ranking on the same cases, with the ratio.

Run on demand: `.venv/bin/python benchmarks/bench_differential.py [--cases 100] [--baseline-cases 20]`.
Targets (issue 12): first build <= 60 s, later loads <= 0.5 s, <= 20 ms per case in process.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
STORE = ROOT / "tests" / "data" / "phenopacket-store-sample"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=100)
    parser.add_argument("--baseline-cases", type=int, default=20)
    args = parser.parse_args()
    import os

    os.environ["RAREBONE_CACHE_DIR"] = tempfile.mkdtemp(prefix="rarebone-bench-")
    from rarebone.intake import read_phenopacket
    from rarebone.knowledge import load
    from rarebone.phenotype import ontology
    from rarebone.phenotype.differential import index as index_module
    from rarebone.phenotype.differential import parameters, query_from_patient, rank
    from rarebone.validation.differential_eval import BaselineRanker, truth_from_file

    ontology()
    params = parameters(load())
    start = time.perf_counter()
    index = index_module.load_index(params)
    build_s = time.perf_counter() - start
    loads = []
    for _ in range(5):
        index_module._BUILT.clear()
        start = time.perf_counter()
        index_module.load_index(params)
        loads.append(time.perf_counter() - start)
    files = sorted(STORE.glob("*.json"))[: args.cases]
    queries = [(query_from_patient(read_phenopacket(f).patient, params), truth_from_file(f)) for f in files]
    times, cpu = [], []
    for query, _ in queries:
        start, start_cpu = time.perf_counter(), time.process_time()
        rank(index, query, params, top=20)
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    ranker = BaselineRanker(index)
    base, base_cpu = [], []
    for query, _ in queries[: args.baseline_cases]:
        start, start_cpu = time.perf_counter(), time.process_time()
        ranker.group_scores(query.observed)
        base.append(time.perf_counter() - start)
        base_cpu.append(time.process_time() - start_cpu)
    ours, theirs = 1000 * statistics.mean(times), 1000 * statistics.mean(base)
    print(f"index build (cold, {index.n_diseases} diseases): {build_s:.1f} s; load from cache: median "
          f"{1000 * statistics.median(loads):.0f} ms")
    print(f"differential: {ours:.1f} ms per case (median {1000 * statistics.median(times):.1f} ms, {len(times)} cases, "
          f"top 20 with explanations)")
    print(f"hpo3 Resnik/funSimAvg over the same diseases: {theirs:.0f} ms per case ({len(base)} cases); "
          f"ratio {theirs / ours:.0f}x")
    # CPU time as well: on a shared machine wall-clock per case mostly measures the other jobs
    print(f"CPU time per case: differential {1000 * statistics.mean(cpu):.1f} ms, hpo3 baseline "
          f"{1000 * statistics.mean(base_cpu):.0f} ms (the baseline's Rust threads may use more than one core)")


if __name__ == "__main__":
    main()
