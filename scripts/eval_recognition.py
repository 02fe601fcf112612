"""Recognition figures on the real-case development set and the phenopacket-store specificity sample.

Reads the answer keys (``keys/*.csv`` under each real-case root, see tests/data/real-cases and the
REAL-CASES-SPEC contract), assesses every file twice - as written, and phenotype-only (``diseases`` and
``interpretations`` stripped, so a recorded diagnosis or genotype cannot help) - and prints:
  * osteopetrosis and CNO sensitivity at moderate-or-high (and at high),
  * look-alikes called high (for either condition),
  * HSCT agreement with ``expected_hsct`` (as written, genotyped cases),
  * the share of phenopacket-store sample files at moderate-or-high for either condition.

  PYTHONPATH=src python scripts/eval_recognition.py [ROOT ...] [--store DIR] [--misses] [--grid]

Development tool: not part of the package, not run by the tests (the store sample lives outside the project).
"""

from __future__ import annotations

import argparse
import copy
import csv
import json
import sys
from collections import Counter, defaultdict
from pathlib import Path

RAISED = ("moderate", "high")
DEFAULT_ROOTS = [Path("tests/data/real-cases")] + [Path(f"/work/wt/cases-{b}/tests/data/real-cases") for b in ("op", "cno", "lookalike")]


def _levels(document: dict, source: str, strip: bool, kb=None):
    from rarebone.intake.phenopacket import read_phenopacket_dict
    from rarebone.workflows.assess import assess_patient

    if strip:
        document = copy.deepcopy(document)
        document.pop("diseases", None)
        document.pop("interpretations", None)
    intake = read_phenopacket_dict(document, source)
    return assess_patient(intake.patient, intake.warnings, kb=kb)


def _rows(roots: list[Path]) -> list[tuple[Path, dict]]:
    seen, out = set(), []
    for root in roots:
        for key in sorted((root / "keys").glob("*.csv")) if (root / "keys").is_dir() else []:
            with key.open(encoding="utf-8") as handle:
                for row in csv.DictReader(handle):
                    path = root / row["file"]
                    if row["file"] in seen or not path.exists():
                        continue
                    seen.add(row["file"])
                    out.append((path, row))
    return out


def _pct(k: int, n: int) -> str:
    return f"{k}/{n} ({100 * k / n:.0f}%)" if n else "0/0"


def evaluate(roots: list[Path], misses: bool) -> dict:
    rows = _rows(roots)
    stats: dict = defaultdict(Counter)
    detail = []
    for path, row in rows:
        document = json.loads(path.read_text(encoding="utf-8"))
        cat = row["category"]
        for mode in ("phenotype-only", "as-written"):
            try:
                a = _levels(document, str(path), mode == "phenotype-only")
            except Exception as exc:  # a file the intake refuses is a figure too
                stats[(cat, mode)]["error"] += 1
                detail.append((mode, cat, row["file"], f"ERROR {exc}"))
                continue
            op, cno = a.suspicion["osteopetrosis"], a.suspicion["cno"]
            s = stats[(cat, mode)]
            s["n"] += 1
            own = op if cat == "osteopetrosis" else cno
            if cat in ("osteopetrosis", "cno"):
                s["raised"] += own.level.value in RAISED
                s["high"] += own.level.value == "high"
                if own.level.value not in RAISED:
                    detail.append((mode, cat, row["file"], f"{own.level.value}: {own.explanation}"))
            else:
                called = [n for n, x in (("op", op), ("cno", cno)) if x.level.value == "high"]
                s["high"] += bool(called)
                s["mimic_first"] += bool(a.mimics) or any(r.id.startswith("CNO-DDX-") for r in a.recommendations[:1])
                if called:
                    detail.append((mode, cat, row["file"], f"called high for {called} ({row['subgroup']})"))
            if mode == "as-written" and row.get("expected_hsct"):
                s["hsct_n"] += 1
                got = a.hsct.recommendation.value
                s["hsct_ok"] += got == row["expected_hsct"]
                if got != row["expected_hsct"]:
                    detail.append((mode, cat, row["file"], f"HSCT {got}, expected {row['expected_hsct']} ({row['gene']} {row['allelic_state']})"))
    print(f"development set: {len(rows)} files from {', '.join(str(r) for r in roots if (r / 'keys').is_dir())}")
    for (cat, mode), s in sorted(stats.items()):
        if cat == "lookalike":
            line = f"look-alikes called high {_pct(s['high'], s['n'])}"
        else:
            line = f">=moderate {_pct(s['raised'], s['n'])}, high {_pct(s['high'], s['n'])}"
        if s["hsct_n"]:
            line += f"; HSCT agreement {_pct(s['hsct_ok'], s['hsct_n'])}"
        if s["error"]:
            line += f"; {s['error']} refused"
        print(f"  {cat:13s} {mode:15s} {line}")
    if misses:
        for item in detail:
            print("   MISS", *item, sep=" | ")
    return stats


def store_rate(store: Path, limit: int | None) -> None:
    from rarebone.errors import RareboneError

    files = sorted(store.glob("*.json"))[:limit]
    raised = Counter()
    hits = []
    errors = 0
    for path in files:
        try:
            a = _levels(json.loads(path.read_text(encoding="utf-8")), str(path), True)
        except (RareboneError, ValueError, KeyError):
            errors += 1
            continue
        for cond in ("osteopetrosis", "cno"):
            if a.suspicion[cond].level.value in RAISED:
                raised[cond] += 1
                hits.append(f"{cond} {a.suspicion[cond].level.value}: {path.name}: {a.suspicion[cond].explanation}")
    n = len(files) - errors
    print(f"phenopacket-store sample (phenotype-only): {n} files assessed, {errors} refused; "
          f">=moderate osteopetrosis {_pct(raised['osteopetrosis'], n)}, CNO {_pct(raised['cno'], n)}")
    for h in hits:
        print("   STORE", h)


# Candidate cut-offs for the trade-off table (docs/knowledge.md): each row changes one knowledge value.
GRID = [
    ("OP-SUSPICION-LEVELS", "moderate_min_score", [4.0, 5.0, 6.0, 7.0]),
    ("OP-SUSPICION-LEVELS", "high_min_score", [7.0, 8.0, 9.0, 10.0]),
    ("CNO-SUSPICION-MODERATE", "value", [2.0, 3.0, 3.5, 4.0, 5.0]),
    ("CNO-SUSPICION-HIGH", "value", [5.0, 6.0, 7.0, 8.0]),
]


def grid(roots: list[Path], store: Path, limit: int | None) -> None:
    """Sensitivity (phenotype-only) vs look-alikes called high vs store >=moderate, one knob at a time."""
    from rarebone.knowledge import load

    rows = [(row["category"], json.loads(path.read_text(encoding="utf-8")), str(path)) for path, row in _rows(roots)]
    store_docs = [(json.loads(p.read_text(encoding="utf-8")), str(p)) for p in sorted(store.glob("*.json"))[:limit]]
    print("| entry | field | value | OP >=moderate | CNO >=moderate | look-alikes high | store OP >=mod | store CNO >=mod |")
    print("|---|---|---|---|---|---|---|---|")
    from dataclasses import replace

    base = load()  # cached per process: change a copy, never the shared one
    for entry_id, field_name, values in GRID:
        for value in values:
            entries = dict(base.entries)
            entries[entry_id] = entries[entry_id].model_copy(update={field_name: value})
            kb = replace(base, entries=entries)
            n = Counter()
            for cat, doc, src in rows:
                a = _levels(doc, src, True, kb)
                op, cno = a.suspicion["osteopetrosis"].level.value, a.suspicion["cno"].level.value
                n["n_" + cat] += 1
                if cat == "osteopetrosis":
                    n["op"] += op in RAISED
                elif cat == "cno":
                    n["cno"] += cno in RAISED
                else:
                    n["la"] += "high" in (op, cno)
            for doc, src in store_docs:
                a = _levels(doc, src, True, kb)
                n["store"] += 1
                n["sop"] += a.suspicion["osteopetrosis"].level.value in RAISED
                n["scno"] += a.suspicion["cno"].level.value in RAISED
            print(f"| {entry_id} | {field_name} | {value:g} | {_pct(n['op'], n['n_osteopetrosis'])} | {_pct(n['cno'], n['n_cno'])} "
                  f"| {_pct(n['la'], n['n_lookalike'])} | {_pct(n['sop'], n['store'])} | {_pct(n['scno'], n['store'])} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("roots", nargs="*", type=Path)
    parser.add_argument("--store", type=Path, default=Path("../shared/data/phenopacket-store-sample"))
    parser.add_argument("--no-store", action="store_true")
    parser.add_argument("--limit", type=int)
    parser.add_argument("--misses", action="store_true", help="list every miss and every look-alike called high")
    parser.add_argument("--grid", action="store_true", help="print the threshold trade-off table (slow: one pass per value)")
    args = parser.parse_args()
    if args.grid:
        grid(args.roots or DEFAULT_ROOTS, args.store, args.limit)
        return
    evaluate(args.roots or DEFAULT_ROOTS, args.misses)
    if not args.no_store and args.store.is_dir():
        store_rate(args.store, args.limit)
    elif not args.no_store:
        print(f"store sample not found at {args.store}", file=sys.stderr)


if __name__ == "__main__":
    main()
