"""Build the shipped OMOP vocabulary subset from src/rarebone/screening/vocabulary/codes.yaml.

    PYTHONPATH=src python scripts/build_screening_vocabulary.py \
        [--synthea tests/data/omop-synthea27nj/Synthea27Nj_5.4.zip] [--phenotype-library DIR] [--check]

Every real concept_id in codes.yaml is re-checked against the source it names: the vendored Synthea27Nj
CONCEPT.csv (or, for type and gender concepts, its clinical tables) and, when --phenotype-library points at a
checkout of OHDSI/PhenotypeLibrary (the `fetch` tool brings github:OHDSI/PhenotypeLibrary), the concept-set
item in inst/cohorts/<n>.json. Concepts without a verified id get a local id >= 2,000,000,000 derived from a
CRC-32 of vocabulary|code, so ids stay stable when entries are added. --check compares instead of writing.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import sys
import zipfile
import zlib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
VOCAB = ROOT / "src" / "rarebone" / "screening" / "vocabulary"
SYNTHEA = ROOT / "tests" / "data" / "omop-synthea27nj" / "Synthea27Nj_5.4.zip"
LOCAL_ID_BASE = 2_000_000_000
LOCAL_ID_SPAN = 100_000_000
VALID_START, VALID_END = "1970-01-01", "2099-12-31"  # the validity window Synthea27Nj's vocabulary rows use


def local_id(vocabulary: str, code: str) -> int:
    return LOCAL_ID_BASE + zlib.crc32(f"{vocabulary}|{code}".encode()) % LOCAL_ID_SPAN


def synthea_index(zip_path: Path) -> tuple[dict[int, tuple[str, str]], set[int]]:
    """concept_id -> (vocabulary_id, concept_code) from CONCEPT.csv; and every *_concept_id seen in the data."""
    concepts: dict[int, tuple[str, str]] = {}
    seen: set[int] = set()
    with zipfile.ZipFile(zip_path) as archive:
        for name in archive.namelist():
            if not name.endswith(".csv") or "__MACOSX" in name:
                continue
            table = Path(name).stem.upper()
            with archive.open(name) as raw:
                reader = csv.DictReader(io.TextIOWrapper(raw, encoding="utf-8"))
                if table == "CONCEPT":
                    for row in reader:
                        concepts[int(row["concept_id"])] = (row["vocabulary_id"], row["concept_code"])
                elif table in {"PERSON", "OBSERVATION_PERIOD", "VISIT_OCCURRENCE", "CONDITION_OCCURRENCE",
                               "MEASUREMENT", "DRUG_EXPOSURE"}:
                    for row in reader:
                        seen.update(int(v) for k, v in row.items() if k.endswith("_concept_id") and v)
    return concepts, seen


def phenotype_library_item(root: Path, filename: str, concept_id: int) -> tuple[str, str] | None:
    document = json.loads((root / "inst" / "cohorts" / filename).read_text(encoding="utf-8"))
    for concept_set in document.get("ConceptSets", []):
        for item in concept_set.get("expression", {}).get("items", []):
            concept = item.get("concept", {})
            if concept.get("CONCEPT_ID") == concept_id:
                return concept.get("VOCABULARY_ID"), concept.get("CONCEPT_CODE")
    return None


def build(entries: list[dict], synthea: Path, library: Path | None) -> dict[str, list[list]]:
    synthea_concepts, synthea_seen = synthea_index(synthea)
    ids: dict[str, int] = {}
    problems: list[str] = []
    source_rows, concept_rows = [], []
    for entry in entries:
        key, vocabulary, code = entry["key"], entry["vocabulary"], str(entry["code"])
        source = entry.get("id_source", "local")
        if "concept_id" in entry:
            cid = int(entry["concept_id"])
            if source == "SYNTHEA27NJ" and synthea_concepts.get(cid) != (vocabulary, code):
                problems.append(f"{key}: Synthea27Nj CONCEPT.csv has {synthea_concepts.get(cid)} for {cid}")
            elif source == "SYNTHEA27NJ-DATA" and cid not in synthea_seen:
                problems.append(f"{key}: {cid} not seen in Synthea27Nj tables")
            elif source.startswith("PHENOTYPELIBRARY:") and library is not None:
                found = phenotype_library_item(library, source.split(":", 1)[1], cid)
                if found != (vocabulary, code):
                    problems.append(f"{key}: PhenotypeLibrary {source} has {found} for {cid}")
        else:
            cid, source = local_id(vocabulary, code), "local"
        if cid in ids.values():
            problems.append(f"{key}: concept_id {cid} used twice")
        ids[key] = cid
        standard = "" if entry["domain"] in {"Type Concept"} or entry.get("standard") is False else "S"
        concept_rows.append([cid, entry["name"], entry["domain"], vocabulary,
                             entry.get("concept_class", _default_class(entry)), standard, code, VALID_START,
                             VALID_END, ""])
        source_rows.append([key, cid, vocabulary, code, source, entry.get("code_source", "SOURCE"),
                            entry.get("hpo", "")])
    for entry in entries:
        for parent in entry.get("parents", []) + ([entry["maps_to"]] if "maps_to" in entry else []):
            if parent not in ids:
                problems.append(f"{entry['key']}: unknown parent or maps_to {parent}")
    if problems:
        raise SystemExit("build_screening_vocabulary: " + "; ".join(problems))
    # OHDSI's CONCEPT_ANCESTOR holds standard concepts only; a non-standard code reaches it through "Maps to"
    parents = {e["key"]: e.get("parents", []) for e in entries if e.get("standard") is not False}
    ancestor_rows = []
    for key in parents:  # breadth-first over the hand-made "Is a" links: min and max levels per ancestor
        levels: dict[str, list[int]] = {key: [0, 0]}
        frontier = [(key, 0)]
        while frontier:
            node, depth = frontier.pop()
            for parent in parents[node]:
                low, high = levels.get(parent, [depth + 1, depth + 1])
                levels[parent] = [min(low, depth + 1), max(high, depth + 1)]
                frontier.append((parent, depth + 1))
        ancestor_rows += [[ids[a], ids[key], low, high] for a, (low, high) in sorted(levels.items())]
    relationship_rows = []
    for entry in entries:
        cid = ids[entry["key"]]
        target = ids[entry.get("maps_to", entry["key"])]
        relationship_rows += [[cid, target, "Maps to", VALID_START, VALID_END, ""],
                              [target, cid, "Mapped from", VALID_START, VALID_END, ""]]
        for parent in entry.get("parents", []):
            relationship_rows += [[cid, ids[parent], "Is a", VALID_START, VALID_END, ""],
                                  [ids[parent], cid, "Subsumes", VALID_START, VALID_END, ""]]
    return {
        "concept": [["concept_id", "concept_name", "domain_id", "vocabulary_id", "concept_class_id",
                     "standard_concept", "concept_code", "valid_start_date", "valid_end_date", "invalid_reason"],
                    *sorted(concept_rows)],
        "concept_ancestor": [["ancestor_concept_id", "descendant_concept_id", "min_levels_of_separation",
                              "max_levels_of_separation"], *sorted(ancestor_rows)],
        "concept_relationship": [["concept_id_1", "concept_id_2", "relationship_id", "valid_start_date",
                                  "valid_end_date", "invalid_reason"], *sorted(relationship_rows)],
        "sources": [["key", "concept_id", "vocabulary_id", "concept_code", "id_source", "code_source", "hpo"],
                    *source_rows],
    }


def _default_class(entry: dict) -> str:
    return {"Condition": "Clinical Finding", "Measurement": "Lab Test", "Procedure": "Procedure",
            "Unit": "Unit", "Visit": "Visit", "Gender": "Gender", "Ethnicity": "Ethnicity",
            "Meas Value": "Qualifier Value", "Type Concept": "Type Concept", "Drug": "Ingredient"}[entry["domain"]]


def render(rows: list[list]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("--synthea", type=Path, default=SYNTHEA)
    parser.add_argument("--phenotype-library", type=Path, default=None)
    parser.add_argument("--check", action="store_true", help="compare with the shipped CSVs, write nothing")
    args = parser.parse_args(argv)
    entries = yaml.safe_load((VOCAB / "codes.yaml").read_text(encoding="utf-8"))["concepts"]
    tables = build(entries, args.synthea, args.phenotype_library)
    stale = []
    for name, rows in tables.items():
        path = VOCAB / "data" / f"{name}.csv"
        text = render(rows)
        if args.check:
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                stale.append(path.name)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
    if stale:
        print(f"stale: {', '.join(stale)} (run scripts/build_screening_vocabulary.py)", file=sys.stderr)
        return 1
    counts = {name: len(rows) - 1 for name, rows in tables.items()}
    local = sum(1 for row in tables["sources"][1:] if row[4] == "local")
    print(f"{counts}; {local} local ids")
    return 0


if __name__ == "__main__":
    sys.exit(main())
