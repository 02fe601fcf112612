"""Checks on the real-case development set (issue 9) in tests/data/real-cases/.

For every category folder present (osteopetrosis/, cno/, lookalike/): each file strict-parses as a
GA4GH Phenopacket v2, carries no rareboneExtensions key, uses only HPO ids that exist in hpo3 (with the
hpo3 label), and has exactly one row in keys/<category>.csv, whose citation is a PMID or DOI; every key
row points to a file that exists.  These files are the yardstick, so the test looks at form only.
"""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest

REAL = Path(__file__).resolve().parents[1] / "data" / "real-cases"
CATEGORIES = [c for c in ("osteopetrosis", "cno", "lookalike") if (REAL / c).is_dir()]
HEADER = ["file", "category", "subgroup", "disease_id", "disease_label", "gene", "allelic_state",
          "expected_hsct", "citation", "unfilled"]
CITATION = re.compile(r"^(PMID:\d+|DOI:10\.\d{4,9}/\S+)$")

if not CATEGORIES:  # pragma: no cover - the folder ships with the project
    pytest.skip("no real-case folders present", allow_module_level=True)


def _files(category: str) -> list[Path]:
    return sorted((REAL / category).glob("*.json"))


def _rows(category: str) -> list[dict]:
    path = REAL / "keys" / f"{category}.csv"
    assert path.is_file(), f"missing key file {path}"
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        assert reader.fieldnames == HEADER, f"{path}: header {reader.fieldnames}"
        return list(reader)


def _keys_in(obj) -> set[str]:
    if isinstance(obj, dict):
        return set(obj) | {k for v in obj.values() for k in _keys_in(v)}
    if isinstance(obj, list):
        return {k for v in obj for k in _keys_in(v)}
    return set()


def _hpo_terms(obj):
    """Every {id, label} pair with an HP: id anywhere in the phenopacket."""
    if isinstance(obj, dict):
        if isinstance(obj.get("id"), str) and obj["id"].startswith("HP:") and "label" in obj:
            yield obj["id"], obj["label"]
        for v in obj.values():
            yield from _hpo_terms(v)
    elif isinstance(obj, list):
        for v in obj:
            yield from _hpo_terms(v)


@pytest.mark.parametrize("category", CATEGORIES)
def test_every_file_strict_parses_as_a_phenopacket(category):
    from google.protobuf.json_format import Parse
    from phenopackets import Phenopacket

    files = _files(category)
    assert files, f"{category}/ has no files"
    for path in files:
        Parse(path.read_text(encoding="utf-8"), Phenopacket())  # raises on unknown keys


@pytest.mark.parametrize("category", CATEGORIES)
def test_no_rarebone_extensions(category):
    for path in _files(category):
        assert "rareboneExtensions" not in _keys_in(json.loads(path.read_text(encoding="utf-8"))), path.name


@pytest.mark.parametrize("category", CATEGORIES)
def test_every_hpo_id_exists_with_its_label(category, onto):
    import pyhpo  # noqa: F401  (hpo3 is loaded by the onto fixture)
    from pyhpo import Ontology

    bad = []
    for path in _files(category):
        for hp, label in _hpo_terms(json.loads(path.read_text(encoding="utf-8"))):
            try:
                name = Ontology.hpo(int(hp.split(":")[1])).name
            except (KeyError, ValueError, IndexError):
                bad.append(f"{path.name}: {hp} not in hpo3")
                continue
            if name != label:
                bad.append(f"{path.name}: {hp} is '{name}', file says '{label}'")
    assert not bad, "\n".join(bad)


@pytest.mark.parametrize("category", CATEGORIES)
def test_key_rows_and_files_match_one_to_one(category):
    rows = _rows(category)
    keyed = [r["file"] for r in rows]
    assert len(keyed) == len(set(keyed)), "duplicate key rows"
    on_disk = {f"{category}/{p.name}" for p in _files(category)}
    assert not set(keyed) - on_disk, f"key rows without a file: {sorted(set(keyed) - on_disk)}"
    assert not on_disk - set(keyed), f"files without a key row: {sorted(on_disk - set(keyed))}"
    assert all(r["category"] == category for r in rows)


@pytest.mark.parametrize("category", CATEGORIES)
def test_citation_is_pmid_or_doi(category):
    bad = [(r["file"], r["citation"]) for r in _rows(category) if not CITATION.match(r["citation"])]
    assert not bad, bad
