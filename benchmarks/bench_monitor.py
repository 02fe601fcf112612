"""Benchmark: ``rarebone monitor`` on a 365-day post-transplant series, in-process (target <= 20 ms).

Run: .venv/bin/python benchmarks/bench_monitor.py   (prints figures; not a test)
"""

from __future__ import annotations

import datetime as dt
import json
import statistics
import time
from pathlib import Path

from rarebone.intake.phenopacket import read_phenopacket_dict
from rarebone.knowledge import load
from rarebone.report.transplant import monitor_text
from rarebone.workflows.monitor import monitor

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "transplant" / "tcirg1-post-hsct-series.json"


def series_document(days: int = 365) -> dict:
    doc = json.loads(EXAMPLE.read_text())
    day0 = dt.date(2027, 1, 15)
    rows = []

    def m(loinc, value, unit, d):
        ts = (day0 + dt.timedelta(days=d)).isoformat() + "T07:00:00Z"
        return {"assay": {"id": loinc}, "value": {"quantity": {"unit": {"id": unit}, "value": value}},
                "timeObserved": {"timestamp": ts}}

    for d in range(-5, days):
        if d % 29 == 17:
            continue  # a missing day now and then
        rows.append(m("LOINC:751-8", 0.1 if d < 15 else 2.0, "UCUM:10*9/L", d))
        rows.append(m("LOINC:777-3", 10 if d < 22 else 120, "UCUM:10*9/L", d))
        rows.append(m("LOINC:718-7", 95, "UCUM:g/L", d))
        rows.append(m("LOINC:17861-6", 2.4, "UCUM:mmol/L", d))
        rows.append(m("LOINC:1975-2", 10, "UCUM:umol/L", d))
        rows.append(m("LOINC:29463-7", 8.0, "UCUM:kg", d))
    doc["measurements"] = rows
    return doc


def timed(fn, repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t0) * 1000)
    return out


def main() -> None:
    kb = load()
    doc = series_document()
    patient = read_phenopacket_dict(doc).patient
    print(f"365-day series: {len(patient.measurements)} measurements")
    report = monitor(kb, patient)
    monitor_text(report)
    job = timed(lambda: monitor(kb, patient), 50)
    job_text = timed(lambda: monitor_text(monitor(kb, patient)), 50)
    full = timed(lambda: monitor_text(monitor(kb, read_phenopacket_dict(doc).patient)), 10)
    for name, t in (("monitor() workflow", job), ("workflow + text rendering", job_text),
                    ("Phenopacket intake + workflow + text", full)):
        print(f"{name:<40} median {statistics.median(t):7.2f} ms  min {min(t):7.2f} ms")
    print(f"target: workflow <= 20 ms -> {'OK' if statistics.median(job) <= 20 else 'OVER'}")


if __name__ == "__main__":
    main()
