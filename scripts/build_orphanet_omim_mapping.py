"""Build Orphanet's own OMIM cross-references, shipped for the differential (src/rarebone/phenotype/data/).

Why: hpo3 ships no OMIM-Orphanet cross-references. Orphanet publishes one per pair with a relation code:
E (the two are the same concept), BTNT (the Orphanet entry is broader: the OMIM entry is a subtype of it) and NTBT
(the Orphanet entry is narrower than the OMIM entry). The differential's evaluation uses them to say which
OMIM entries an Orphanet group contains (equivalence.py), instead of guessing from shared genes.

Source: `src/mappings/ordo.sssom.tsv` of github.com/monarch-initiative/mondo-ingest at commit
9bc9f7a9bb942d7afc25958c832130cc378ace83 (data build 2025-03-07, ORDO snapshot
http://purl.obolibrary.org/obo/mondo/sources/2025-03-07/ordo.owl), where Orphanet's codes are written as SKOS
predicates by that repository's src/ontology/config/ordo-mapping-codes_relationship-curies.csv
(E -> skos:exactMatch, NTBT -> skos:broadMatch, BTNT -> skos:narrowMatch); this script writes them back as
Orphanet's codes. Orphanet data: CC BY 4.0 (Orphanet, INSERM; www.orphadata.com).

Run:  git -C <mondo-ingest clone> show 9bc9f7a9bb942d7afc25958c832130cc378ace83:src/mappings/ordo.sssom.tsv > ordo.sssom.tsv
      python scripts/build_orphanet_omim_mapping.py ordo.sssom.tsv
"""

import gzip
import sys
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "src" / "rarebone" / "phenotype" / "data" / "orphanet-omim-mapping.tsv.gz"
CODES = {"skos:exactMatch": "E", "skos:narrowMatch": "BTNT", "skos:broadMatch": "NTBT"}
HEADER = """# Orphanet's OMIM cross-references with Orphanet's relation code (E same concept; BTNT the Orphanet entry is broader,
# the OMIM entry a subtype; NTBT the Orphanet entry is narrower). Source: monarch-initiative/mondo-ingest commit
# 9bc9f7a9bb942d7afc25958c832130cc378ace83 (2025-03-07), src/mappings/ordo.sssom.tsv (ORDO snapshot
# http://purl.obolibrary.org/obo/mondo/sources/2025-03-07/ordo.owl). Licence CC BY 4.0 (Orphanet, INSERM).
# Built by scripts/build_orphanet_omim_mapping.py.
orphanet\tcode\tomim
"""


def main(source: str) -> None:
    rows = set()
    with open(source, encoding="utf-8") as handle:
        columns = None
        for line in handle:
            if line.startswith("#"):
                continue
            fields = line.rstrip("\n").split("\t")
            if columns is None:
                columns = {name: i for i, name in enumerate(fields)}
                continue
            subject, predicate, obj = (fields[columns[c]] for c in ("subject_id", "predicate_id", "object_id"))
            if subject.startswith("Orphanet:") and obj.startswith("OMIM:") and predicate in CODES:
                rows.add((f"ORPHA:{subject.split(':')[1]}", CODES[predicate], obj))
    ordered = sorted(rows, key=lambda r: (int(r[0].split(":")[1]), r[1], int(r[2].split(":")[1])))
    # mtime 0: the same input writes the same bytes
    with gzip.GzipFile(OUT, "wb", mtime=0) as raw:
        raw.write((HEADER + "".join("\t".join(r) + "\n" for r in ordered)).encode())
    print(f"{len(ordered)} pairs -> {OUT}")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: build_orphanet_omim_mapping.py ordo.sssom.tsv")
    main(sys.argv[1])
