"""The screen's concept sets as OHDSI Circe concept-set expressions (the JSON ATLAS imports and exports).

Concept ids come from the site's own vocabulary at export time (by vocabulary_id + concept_code, as the screen
resolves them), never from rarebone: each code found becomes one item with ``includeDescendants`` as the screen
uses it; a non-standard code (ICD10CM) is exported as the standard concepts it 'Maps to'. Laboratory rules export
their LOINC measurement concepts (the value rule, below/above the row's range or a threshold, is not part of a
concept set and is written beside it in the index). Codes the vocabulary lacks are listed in the index.
"""

from __future__ import annotations

import json
from pathlib import Path

CONCEPT_COLUMNS = ("concept_id", "concept_name", "domain_id", "vocabulary_id", "concept_class_id",
                   "standard_concept", "concept_code", "invalid_reason")
STANDARD_CAPTION = {"S": "Standard", "C": "Classification"}
INVALID_CAPTION = {"D": "Invalid", "U": "Invalid"}


def _item(row: dict, descendants: bool) -> dict:
    standard = row.get("standard_concept") or "N"
    invalid = row.get("invalid_reason") or "V"
    return {
        "concept": {
            "CONCEPT_ID": int(row["concept_id"]),
            "CONCEPT_NAME": str(row.get("concept_name") or ""),
            "STANDARD_CONCEPT": standard,
            "STANDARD_CONCEPT_CAPTION": STANDARD_CAPTION.get(standard, "Non-Standard"),
            "INVALID_REASON": invalid,
            "INVALID_REASON_CAPTION": INVALID_CAPTION.get(invalid, "Valid"),
            "CONCEPT_CODE": str(row["concept_code"]),
            "DOMAIN_ID": str(row.get("domain_id") or ""),
            "VOCABULARY_ID": str(row["vocabulary_id"]),
            "CONCEPT_CLASS_ID": str(row.get("concept_class_id") or ""),
        },
        "isExcluded": False,
        "includeDescendants": bool(descendants),
        "includeMapped": False,
    }


def _concept_rows(cdm, wanted: list[tuple[str, str]]):
    import ibis
    import pandas as pd

    concept = cdm.table("concept")
    cols = [c for c in CONCEPT_COLUMNS if c in concept.columns]
    keys = ibis.memtable(pd.DataFrame(wanted, columns=["vocabulary_id", "concept_code"]).drop_duplicates())
    found = concept.select(*[concept[c].cast("string") if c != "concept_id" else concept[c] for c in cols])
    found = found.semi_join(keys, ["vocabulary_id", "concept_code"]).to_pandas()
    mapped = pd.DataFrame(columns=["source_id", *cols])
    nonstandard = found[found.standard_concept.fillna("") != "S"].concept_id.astype("int64").tolist()
    if nonstandard and cdm.has("concept_relationship"):
        rel = cdm.table("concept_relationship")
        pairs = rel.filter(rel.concept_id_1.isin(nonstandard) & (rel.relationship_id == "Maps to"))
        pairs = pairs.select(source_id=pairs.concept_id_1, concept_id=pairs.concept_id_2).to_pandas()
        targets = concept.filter(concept.concept_id.isin(pairs.concept_id.astype("int64").tolist()))
        targets = targets.select(*[targets[c].cast("string") if c != "concept_id" else targets[c] for c in cols])
        mapped = pairs.merge(targets.to_pandas(), on="concept_id")
    return found, mapped


def _items_for(codes, found, mapped) -> tuple[list[dict], list[str]]:
    """codes: (vocabulary, code, descendants). Returns the items and the 'VOCAB code' strings not found."""
    items, missing, seen = [], [], set()
    for vocabulary, code, descendants in codes:
        hit = found[(found.vocabulary_id == vocabulary) & (found.concept_code == code)]
        if hit.empty:
            missing.append(f"{vocabulary} {code}")
            continue
        for row in hit.to_dict("records"):
            rows = [row]
            if (row.get("standard_concept") or "") != "S" and len(mapped):
                targets = mapped[mapped.source_id == row["concept_id"]].to_dict("records")
                rows = targets or rows
            for r in rows:
                key = (int(r["concept_id"]), bool(descendants))
                if key not in seen:
                    seen.add(key)
                    items.append(_item(r, descendants))
    return items, missing


def export_concept_sets(cdm, rules, folder: Path) -> list[Path]:
    """Write <set id>.json (Circe expression) per concept set and lab rule, and index.json; returns the paths."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    wanted = [(c.vocabulary, c.code) for s in rules.sets.values() for c in s.codes]
    wanted += [("LOINC", code) for lab in rules.labs for code in lab.loinc]
    found, mapped = _concept_rows(cdm, wanted)
    index, written = [], []
    for s in rules.sets.values():
        if not s.codes:
            continue
        items, missing = _items_for([(c.vocabulary, c.code, c.descendants) for c in s.codes], found, mapped)
        path = folder / f"{s.id}.json"
        path.write_text(json.dumps({"items": items}, indent=2), encoding="utf-8")
        written.append(path)
        index.append({"id": s.id, "file": path.name, "role": s.role, "statement": s.statement,
                      "certainty": s.certainty, "concepts": len(items), "missing_codes": missing,
                      "age_max_days": s.age_max_days})
    for lab in rules.labs:
        items, missing = _items_for([("LOINC", code, False) for code in lab.loinc], found, mapped)
        path = folder / f"{lab.id}.json"
        path.write_text(json.dumps({"items": items}, indent=2), encoding="utf-8")
        written.append(path)
        rule = (f"value {lab.direction} the row's range_low/range_high" if lab.threshold is None
                else f"value {lab.direction} {lab.threshold:g} {lab.canonical_unit} after unit conversion")
        index.append({"id": lab.id, "file": path.name, "role": "measurement", "counts_as": lab.set_id,
                      "value_rule": rule, "concepts": len(items), "missing_codes": missing})
    (folder / "index.json").write_text(json.dumps({
        "note": "Concept sets of the rarebone population screen, resolved in this CDM's vocabulary. Decision "
                "support only; weights, cut-offs and windows are rarebone calibration (UNVERIFIED).",
        "knowledge_version": rules.knowledge_version, "concept_sets": index}, indent=2), encoding="utf-8")
    return written
