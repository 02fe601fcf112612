"""Every child whose suspicion level differs between the Phenopacket and the FHIR path, and why.

Reads each case twice, phenotype only (diseases and interpretations removed, as ``rarebone validate
--phenotype-only``): the Phenopacket from SOURCE and the Bundle tools/to_fhir.py wrote to FHIR. For each child
whose osteopetrosis or CNO level differs it prints the findings the FHIR path lost or gained, each with the reason
(sent as text only: no SNOMED CT/ICD-10 xref in hp.obo; the SNOMED code read back as another HPO term; a modifier
lost; a laboratory flag), and the evidence lines that changed. Measures, never tunes.

    PYTHONPATH=src python tests/data/real-cases/tools/compare_fhir.py tests/data/real-cases tests/data/real-cases-fhir
"""

from __future__ import annotations

import argparse
import csv
from pathlib import Path

CATEGORIES = ("osteopetrosis", "cno", "lookalike")
STRIP = ("diseases", "interpretations")
RANK = {"none": 0, "low": 1, "moderate": 2, "high": 3}


def _features(patient) -> dict[str, tuple[bool, tuple[str, ...]]]:
    return {f.hpo_id: (f.excluded, tuple(sorted(m for m in f.modifiers if m))) for f in patient.features}


def main(argv: list[str] | None = None) -> int:
    from rarebone.intake import read_phenopacket
    from rarebone.workflows.assess import assess_patient

    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("source", type=Path)
    ap.add_argument("fhir", type=Path)
    ap.add_argument("--markdown", action="store_true", help="one table row per child (for docs/validation.md)")
    args = ap.parse_args(argv)
    coded = {}
    with (args.fhir / "CONVERSION.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            coded[(row["file"], row["hpo"])] = row
    changed, rows = 0, []
    for cat in CATEGORIES:
        for pp_path in sorted((args.source / cat).glob("*.json")):
            name = f"{cat}/{pp_path.name}"
            pp = read_phenopacket(pp_path, strip=STRIP)
            fh = read_phenopacket(args.fhir / name, strip=STRIP)
            a, b = assess_patient(pp.patient, pp.warnings), assess_patient(fh.patient, fh.warnings)
            diffs = [(c, a.suspicion[c].level.value, b.suspicion[c].level.value) for c in ("osteopetrosis", "cno")
                     if a.suspicion[c].level != b.suspicion[c].level]
            if not diffs:
                continue
            changed += 1
            lost_text, lost_other, evidence = [], [], []
            levels = "; ".join(f"{c} {x} -> {y} ({'DROP' if RANK[y] < RANK[x] else 'RISE'})" for c, x, y in diffs)
            print(f"\n{name} [{cat}]: {levels}")
            fa, fb = _features(pp.patient), _features(fh.patient)
            for hpo, (excl, mods) in fa.items():
                row = coded.get((name, hpo), {})
                what = f"{'excluded ' if excl else ''}{hpo} {row.get('label', '')}"
                if hpo not in fb:
                    how = row.get("coded_as")
                    other = sorted(set(fb) - set(fa))
                    reason = ("sent as text only (no SNOMEDCT_US xref in hp.obo, no ICD-10 code known)" if how == "text"
                              else f"sent as {how.upper()} {row['code']}, not read as this term"
                              + (f" (FHIR path has {', '.join(other)})" if other else "") if how in ("snomed", "icd10")
                              else "not in the conversion table")
                    print(f"  lost: {what}: {reason}")
                    if how == "text":
                        lost_text.append(row.get("label", hpo))
                    else:
                        lost_other.append(f"{row.get('label', hpo)} ({reason})")
                elif fb[hpo] != (excl, mods):
                    print(f"  changed: {what}: Phenopacket {(excl, mods)} vs FHIR {fb[hpo]}")
                    lost_other.append(f"{row.get('label', hpo)}: modifier {', '.join(set(mods) - set(fb[hpo][1]))} "
                                      f"not sent (no FHIR element)")
            for hpo, (excl, mods) in fb.items():
                if hpo not in fa:
                    print(f"  gained: {'excluded ' if excl else ''}{hpo} (FHIR path only)")
            for c, _, _ in diffs:
                ea = {e.knowledge_id for e in a.suspicion[c].evidence_for}
                eb = {e.knowledge_id for e in b.suspicion[c].evidence_for}
                if ea - eb:
                    print(f"  {c} evidence lost: {', '.join(sorted(ea - eb))}")
                    evidence.append(f"{c} lost {', '.join(sorted(ea - eb))}")
                if eb - ea:
                    print(f"  {c} evidence gained: {', '.join(sorted(eb - ea))}")
                    evidence.append(f"{c} gained {', '.join(sorted(eb - ea))}")
                pa = set(a.suspicion[c].explanation.split("; ")) - set(b.suspicion[c].explanation.split("; "))
                pb = set(b.suspicion[c].explanation.split("; ")) - set(a.suspicion[c].explanation.split("; "))
                if pa - {""}:
                    evidence.append(f"{c} Phenopacket only: " + "; ".join(sorted(pa)))
                    print(f"  {c} Phenopacket explanation only: {'; '.join(sorted(pa))}")
                if pb - {""} and not (ea ^ eb):
                    evidence.append(f"{c} FHIR only: " + "; ".join(sorted(pb)))
            why = "; ".join(filter(None, [("text only: " + ", ".join(lost_text)) if lost_text else "",
                                          *lost_other]))
            rows.append(f"| `{pp_path.stem}` | {levels} | {why or '-'} | {'; '.join(evidence) or '-'} |")
    print(f"\n{changed} children with a different level")
    if args.markdown:
        print("\n| child | level Phenopacket -> FHIR | finding lost on the FHIR path | evidence |\n|---|---|---|---|")
        print("\n".join(rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
