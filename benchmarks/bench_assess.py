"""Assess speed: cold CLI process (median of N runs), in-process throughput, ontology load time.

Run on demand: `make bench` (or .venv/bin/python benchmarks/bench_assess.py [--runs 7]). Targets (issue 2):
cold `rarebone assess` median <= 1.5 s; >= 1,000 assessments/s in process after start-up.
"""

from __future__ import annotations

import argparse
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

    cold = []
    for _ in range(args.runs):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "rarebone", "assess", str(EXAMPLES[0])], check=True, capture_output=True)
        cold.append(time.perf_counter() - start)
    bare = []
    for _ in range(args.runs):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", "pass"], check=True)
        bare.append(time.perf_counter() - start)

    start = time.perf_counter()
    from rarebone.phenotype import ontology

    ontology()
    onto_s = time.perf_counter() - start
    from rarebone.intake import read_phenopacket
    from rarebone.workflows.assess import assess_file, assess_patient

    assess_file(EXAMPLES[0])
    parsed = [read_phenopacket(p) for p in EXAMPLES]
    n, start = 0, time.perf_counter()
    while time.perf_counter() - start < args.seconds:
        for r in parsed:
            assess_patient(r.patient, r.warnings)
            n += 1
    rate = n / (time.perf_counter() - start)
    n2, start = 0, time.perf_counter()
    while time.perf_counter() - start < args.seconds:
        for p in EXAMPLES:
            assess_file(p)
            n2 += 1
    rate_files = n2 / (time.perf_counter() - start)

    print(f"cold `rarebone assess {EXAMPLES[0].name}`: median {statistics.median(cold):.3f} s over {args.runs} runs "
          f"(min {min(cold):.3f}, max {max(cold):.3f}); bare `python -c pass` {statistics.median(bare):.3f} s "
          f"-> rarebone adds {statistics.median(cold) - statistics.median(bare):.3f} s; target <= 1.5 s")
    print(f"HPO ontology load (hpo3 + label index): {onto_s:.3f} s")
    print(f"in-process assessments (parsed Patient -> Assessment): {rate:,.0f}/s; target >= 1,000/s")
    print(f"in-process assessments including file reading and schema validation: {rate_files:,.0f}/s "
          f"(ratio parse+assess / assess only = {rate_files / rate:.2f})")


if __name__ == "__main__":
    main()
