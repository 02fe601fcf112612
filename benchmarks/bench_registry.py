"""Registry and report speed, on SQLite and PostgreSQL. Run on demand; prints figures, asserts nothing.

    .venv/bin/python benchmarks/bench_registry.py --n 10000            # SQLite and PostgreSQL (if binaries exist)
    .venv/bin/python benchmarks/bench_registry.py --n 100000 --no-pg   # the issue's target size

Targets (issue 5): import of 100,000 Phenopackets >= 2,000 records/s; `rarebone report` on 100,000 patients <= 10 s.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "registry"))


def write_phenopackets(folder: Path, n: int) -> None:
    from rarebone.registry import demo, export, store

    created = "2026-11-24T00:00:00Z"
    for record in demo.generate(n, seed=42):
        (folder / f"{record['patient']['patient_key']}.json").write_text(
            json.dumps(export.to_phenopacket(store.normalise(record), created=created)))


def bench(url: str, folder: Path, n: int, label: str, workers: int, reports: bool = True) -> None:
    from rarebone.intake.phenopacket import expand_inputs
    from rarebone.registry import db, importers, store

    engine = db.open_registry(url, create=True)
    files = expand_inputs([folder])
    t0 = time.perf_counter()
    if workers == 1:
        summary = store.import_records(engine, importers.phenopacket_items(files), batch_size=500)
        inserted = summary.inserted
    else:  # N processes on slices of the folder, as a centre would run a bulk load
        chunks = [files[i::workers] for i in range(workers)]
        lists = []
        for i, chunk in enumerate(chunks):
            listing = folder.parent / f"{label}-chunk{i}"
            listing.mkdir(exist_ok=True)
            for f in chunk:
                target = listing / f.name
                if not target.exists():
                    target.symlink_to(f)
            lists.append(listing)
        procs = [subprocess.Popen([sys.executable, "-m", "rarebone", "registry", "import", str(p), "--db", url,
                                   "--format", "json"], stdout=subprocess.PIPE) for p in lists]
        inserted = sum(json.loads(p.communicate()[0])["inserted"] for p in procs)
    elapsed = time.perf_counter() - t0
    print(f"[{label}] import {inserted} Phenopackets ({workers} process(es)): {elapsed:.1f} s = "
          f"{inserted / elapsed:,.0f} records/s (target >= 2,000/s at 100,000)")
    for fmt in ("json", "html") if reports else ():
        out = folder.parent / f"report-{label}.{fmt}"
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-m", "rarebone", "report", "--db", url, "--by", "donor_relation", "--at", "60",
                        "--time-unit", "months", "-o", str(out)], check=True)
        print(f"[{label}] rarebone report --format {fmt} on {n} patients: {time.perf_counter() - t0:.1f} s "
              f"(target <= 10 s at 100,000)")
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=5000, help="patients (default 5000; the issue's target is 100000)")
    parser.add_argument("--workers", type=int, default=1, help="importer processes (default 1)")
    parser.add_argument("--no-pg", action="store_true", help="SQLite only")
    parser.add_argument("--pg-before", action="store_true",
                        help="also import into PostgreSQL with COPY switched off (store.PG_COPY = False), the "
                             "previous executemany path, in the same run (one process)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="rarebone-bench-") as tmp:
        tmp = Path(tmp)
        folder = tmp / "phenopackets"
        folder.mkdir()
        t0 = time.perf_counter()
        write_phenopackets(folder, args.n)
        print(f"wrote {args.n} SYNTHETIC Phenopackets in {time.perf_counter() - t0:.1f} s")
        bench(f"sqlite:///{tmp / 'bench.sqlite'}", folder, args.n, "sqlite", args.workers)
        if not args.no_pg:
            import pgserver

            try:
                server, stop = pgserver.start()
            except pgserver.PgUnavailable as exc:
                print(f"[postgresql] skipped: {exc}")
                return
            try:
                if args.pg_before:
                    from rarebone.registry import store

                    store.PG_COPY = False
                    bench(pgserver.new_database(server), folder, args.n, "postgresql, executemany (before)", 1,
                          reports=False)
                    store.PG_COPY = True
                bench(pgserver.new_database(server), folder, args.n, "postgresql", args.workers)
            finally:
                stop()


if __name__ == "__main__":
    os.environ.setdefault("PYTHONWARNINGS", "ignore")
    main()
