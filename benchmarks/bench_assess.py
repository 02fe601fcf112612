"""Assess speed: cold CLI process (median of N runs), in-process throughput, ontology load time.

Run on demand: `make bench` (or .venv/bin/python benchmarks/bench_assess.py [--runs 7]). Targets (issue 2):
cold `rarebone assess` median <= 1.5 s; >= 1,000 assessments/s in process after start-up.

On a shared machine the wall clock mostly measures the other jobs, so the cold start is also given as the child
process's CPU time (user + sys, from getrusage), and the in-process rates as CPU time of this process; the load
average is printed beside them. The first cold run may fill the start-up cache (docs/architecture.md) and is
not counted.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((ROOT / "examples" / "phenopackets").glob("*.json"))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--seconds", type=float, default=5.0)
    args = parser.parse_args()

    command = [sys.executable, "-m", "rarebone", "assess", str(EXAMPLES[0])]
    subprocess.run(command, check=True, capture_output=True)  # fills the start-up cache if it is empty
    load_before = os.getloadavg()
    cold, cold_cpu = [], []
    for _ in range(args.runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True)
        cold.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cold_cpu.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    bare = []
    for _ in range(args.runs):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", "pass"], check=True)
        bare.append(time.perf_counter() - start)

    start = time.perf_counter()
    from rarebone.phenotype import ontology

    ontology()
    onto_s = time.perf_counter() - start
    start = time.perf_counter()
    from rarebone.phenotype.ontology import hpo3

    hpo3()
    hpo3_s = time.perf_counter() - start
    from rarebone.intake import read_phenopacket
    from rarebone.workflows.assess import assess_file, assess_patient

    assess_file(EXAMPLES[0])
    parsed = [read_phenopacket(p) for p in EXAMPLES]
    n, start, cpu = 0, time.perf_counter(), time.process_time()
    while time.perf_counter() - start < args.seconds:
        for r in parsed:
            assess_patient(r.patient, r.warnings)
            n += 1
    rate, rate_cpu = n / (time.perf_counter() - start), n / (time.process_time() - cpu)
    n2, start, cpu = 0, time.perf_counter(), time.process_time()
    while time.perf_counter() - start < args.seconds:
        for p in EXAMPLES:
            assess_file(p)
            n2 += 1
    rate_files, rate_files_cpu = n2 / (time.perf_counter() - start), n2 / (time.process_time() - cpu)

    print(f"load average before the cold runs {load_before[0]:.2f}, now {os.getloadavg()[0]:.2f}")
    print(f"cold `rarebone assess {EXAMPLES[0].name}`: median {statistics.median(cold):.3f} s over {args.runs} runs "
          f"(min {min(cold):.3f}, max {max(cold):.3f}); bare `python -c pass` {statistics.median(bare):.3f} s "
          f"-> rarebone adds {statistics.median(cold) - statistics.median(bare):.3f} s; target <= 1.5 s")
    print(f"  the same as process CPU time (user+sys): median {statistics.median(cold_cpu):.3f} s "
          f"(min {min(cold_cpu):.3f}, max {max(cold_cpu):.3f})")
    print(f"HPO ontology for assess (term table from the cache): {onto_s:.3f} s; hpo3 itself (not loaded by "
          f"assess): {hpo3_s:.3f} s")
    print(f"in-process assessments (parsed Patient -> Assessment): {rate:,.0f}/s wall, {rate_cpu:,.0f}/s CPU; "
          f"target >= 1,000/s")
    print(f"in-process assessments including file reading and schema validation: {rate_files:,.0f}/s wall, "
          f"{rate_files_cpu:,.0f}/s CPU (ratio parse+assess / assess only = {rate_files / rate:.2f})")


if __name__ == "__main__":
    main()
