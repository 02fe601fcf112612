"""Which red flags, CNO findings and presentations can a SNOMED CT-coded EHR raise at all?

For each knowledge entry that reads HPO terms (osteopetrosis red_flags and presentations, cno findings), count the
SNOMED CT codes the FHIR intake reads as one of its terms or a descendant (hp.obo xrefs plus
intake/fhir/data/snomed.yaml). An entry with 0 codes can only be raised from an EHR by an HPO-coded finding, a
laboratory value (LOINC with the lab's range/flag, where the entry is a lab finding) or not at all: its findings
usually arrive as radiology-report text. Measures, changes nothing.

    PYTHONPATH=src python tests/data/real-cases/tools/snomed_reach.py
"""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[4]
FILES = ("osteopetrosis/red_flags", "osteopetrosis/presentations", "cno/findings")


def main() -> int:
    import yaml

    from rarebone.intake.fhir import codes as C
    from rarebone.phenotype import ontology

    onto = ontology()
    read = {code: C.map_code(C.SNOMED, code) for code in C._xrefs()["snomed"]} | {
        code: C.map_code(C.SNOMED, code) for code in C._snomed()}
    read = {code: m.hpo_id for code, m in read.items() if m and m.hpo_id}
    zero = []
    for name in FILES:
        doc = yaml.safe_load((ROOT / f"src/rarebone/knowledge/data/{name}.yaml").read_text(encoding="utf-8"))
        for entry in doc["entries"]:
            terms = list(entry.get("terms") or []) + list(entry.get("hpo_any") or [])
            exact = list(entry.get("exact_terms") or []) + list(entry.get("hpo_exact") or [])
            if not terms and not exact:
                continue
            codes = sorted(c for c, h in read.items() if h in exact or any(onto.is_a(h, t) for t in terms))
            print(f"{len(codes):4d}  {entry['id']}")
            if not codes:
                zero.append(entry["id"])
    print(f"\n{len(zero)} entries no SNOMED CT code reaches: {', '.join(zero)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
