"""The HELD-OUT real-case set (tests/data/real-cases-heldout/) is a yardstick nobody tunes on: these tests check
its form and its independence from the development set, never rarebone's answers (no figures, no floor).

Form (REAL-CASES-SPEC.md): exactly the three category folders, each file a plain Phenopacket v2 that protobuf
parses strictly, no rarebone-only keys, HPO ids present and non-obsolete in the pinned hpo3 release with their
current labels, one key row per file (header exact, citation PMID/DOI, category/gene/zygosity/disease agreeing
with the file), the file's external reference being the keyed citation.
Independence: no PMID or DOI of the held-out set is cited in tests/data/real-cases/SOURCES.md, and no held-out id
repeats a development-set file name (same paper, other patient, is excluded by the first rule when the paper's
identifier is known; the second catches a renamed copy).
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

# the same key format and file walk as the development set (REAL-CASES-SPEC.md)
from tests.validation.test_real_case_files import (ALLELIC, CITATION, DISEASE_ID, HPO_ID, KEY_HEADER, _walk,
                                                   _files as dev_files, _rows as dev_rows)

DATA = Path(__file__).resolve().parents[1] / "data"
HELD = DATA / "real-cases-heldout"
DEV = DATA / "real-cases"
CATEGORIES = ["osteopetrosis", "cno", "lookalike"]
HSCT = {"", "indicated", "not_indicated", "case_by_case", "undetermined"}
GENO = {"GENO:0000136": "homozygous", "GENO:0000135": "heterozygous", "GENO:0000134": "hemizygous"}
PREFIX = {"osteopetrosis": "op-", "cno": "cno-", "lookalike": "la-"}

pytestmark = pytest.mark.skipif(not (HELD / "keys").is_dir(), reason=f"held-out set not present ({HELD} missing)")


def _files(category: str) -> list[Path]:
    return dev_files(category, HELD)


def _rows(category: str) -> list[dict]:
    return dev_rows(category, HELD)


def _doc(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def hpo():
    import pyhpo  # hpo3, pinned in pyproject

    pyhpo.Ontology()
    return pyhpo.Ontology


def test_the_set_has_exactly_the_three_category_folders_each_non_empty():
    folders = sorted(p.name for p in HELD.iterdir() if p.is_dir() and p.name not in {"keys", "tools"})
    assert folders == sorted(CATEGORIES)
    for category in CATEGORIES:
        assert _files(category), f"{category}: folder is empty"


@pytest.mark.parametrize("category", CATEGORIES)
def test_every_file_strictly_parses_and_carries_no_rarebone_keys(category):
    from google.protobuf import json_format
    from phenopackets import Phenopacket

    for path in _files(category):
        text = path.read_text(encoding="utf-8")
        try:
            json_format.Parse(text, Phenopacket())
        except json_format.ParseError as exc:
            pytest.fail(f"{path.name}: not a strict Phenopacket v2: {exc}")
        bad = [p for p, key, _ in _walk(json.loads(text)) if key.lower().startswith("rarebone")]
        assert not bad, f"{path.name}: non-standard keys at {bad}"


@pytest.mark.parametrize("category", CATEGORIES)
def test_file_id_follows_the_naming_rule_and_matches_the_file_name(category):
    for path in _files(category):
        doc = _doc(path)
        assert doc["id"] == path.stem, f"{path.name}: id {doc['id']!r}"
        assert doc["id"].startswith(PREFIX[category]), f"{path.name}: id must start with {PREFIX[category]!r}"
        assert doc["metaData"]["phenopacketSchemaVersion"] == "2.0", path.name


@pytest.mark.parametrize("category", CATEGORIES)
def test_every_hpo_id_exists_in_hpo3_with_its_label(category, hpo):
    problems = []
    for path in _files(category):
        doc = _doc(path)
        entries = dict((p, v) for p, _, v in _walk(doc))
        for jpath, key, value in _walk(doc):
            if key != "id" or not isinstance(value, str) or not value.startswith("HP:"):
                continue
            if not HPO_ID.match(value):
                problems.append(f"{path.name} {jpath}: malformed {value!r}")
                continue
            try:
                term = hpo.get_hpo_object(value)
            except (KeyError, RuntimeError, ValueError):
                problems.append(f"{path.name} {jpath}: {value} not in hpo3")
                continue
            if term.is_obsolete or term.id != value:  # an obsolete id resolves to its replacement
                problems.append(f"{path.name} {jpath}: {value} is obsolete or replaced by {term.id}")
            label = entries.get(jpath.rsplit(".", 1)[0] + ".label")
            if label is not None and label != term.name:
                problems.append(f"{path.name} {jpath}: label {label!r} != hpo3 {term.name!r}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("category", CATEGORIES)
def test_one_key_row_per_file_and_rows_are_well_formed(category):
    rows = _rows(category)
    named = [r["file"] for r in rows]
    assert len(named) == len(set(named)), f"{category}: a file keyed twice"
    assert set(named) == {f"{category}/{p.name}" for p in _files(category)}, f"{category}: key rows vs files differ"
    problems = []
    for row in rows:
        where = row["file"]
        if row["category"] != category:
            problems.append(f"{where}: category {row['category']!r}")
        if not CITATION.match(row["citation"]):
            problems.append(f"{where}: citation {row['citation']!r}")
        if not row["subgroup"]:
            problems.append(f"{where}: empty subgroup")
        if row["allelic_state"] not in ALLELIC or row["expected_hsct"] not in HSCT:
            problems.append(f"{where}: allelic_state/expected_hsct {row['allelic_state']!r}/{row['expected_hsct']!r}")
        if row["expected_hsct"] and (category != "osteopetrosis" or not row["gene"]):
            problems.append(f"{where}: expected_hsct only for osteopetrosis with a genotype")
        # no verifiable ontology id (bacterial osteomyelitis, unspecified osteopetrosis): empty, said in unfilled
        if not DISEASE_ID.match(row["disease_id"]) and not (row["disease_id"] == "" and "disease_id" in row["unfilled"]):
            problems.append(f"{where}: disease_id {row['disease_id']!r}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("category", CATEGORIES)
def test_key_rows_agree_with_their_files(category):
    problems = []
    for row in _rows(category):
        doc = _doc(HELD / row["file"])
        where = row["file"]
        refs = [r["id"] for r in doc["metaData"].get("externalReferences", [])]
        if row["citation"] not in refs:
            problems.append(f"{where}: keyed citation {row['citation']} not among {refs}")
        diseases = [d["term"]["id"] for d in doc.get("diseases", [])]
        if diseases != ([row["disease_id"]] if row["disease_id"] else []):
            problems.append(f"{where}: diseases {diseases} vs key {row['disease_id']!r}")
        genes = {v["symbol"] for _, k, v in _walk(doc) if k == "geneContext"}
        states = [GENO[v["id"]] for _, k, v in _walk(doc) if k == "allelicState"]
        if genes != ({row["gene"]} if row["gene"] else set()):
            problems.append(f"{where}: genes {sorted(genes)} vs key {row['gene']!r}")
        expected = ("compound_heterozygous" if len(states) >= 2 and set(states) == {"heterozygous"}
                    else states[0] if states else "")
        if expected != row["allelic_state"]:
            problems.append(f"{where}: allelic state {states} vs key {row['allelic_state']!r}")
        if doc.get("interpretations") and doc["interpretations"][0]["diagnosis"]["disease"]["id"] != row["disease_id"]:
            problems.append(f"{where}: interpretation disease differs from the key")
    assert not problems, "\n".join(problems)


def test_no_held_out_paper_or_file_comes_from_the_development_set():
    if not (DEV / "SOURCES.md").is_file():
        pytest.skip("development set not present: nothing to be independent of")
    dev_text = (DEV / "SOURCES.md").read_text(encoding="utf-8").lower()
    dev_pmids = set(re.findall(r"pmid:?\s*(\d+)", dev_text))
    dev_dois = {d.rstrip(".,;)") for d in re.findall(r"10\.\d{4,9}/[^\s)\]]+", dev_text)}
    dev_ids = {p.stem for p in DEV.rglob("*.json")}
    clashes = []
    for category in CATEGORIES:
        for row in _rows(category):
            doc = _doc(HELD / row["file"])
            for ref in doc["metaData"].get("externalReferences", []):
                kind, _, value = ref["id"].partition(":")
                value = value.lower()
                if (kind == "PMID" and value in dev_pmids) or (kind == "DOI" and value in dev_dois):
                    clashes.append(f"{row['file']}: {ref['id']} is cited by the development set")
            if doc["id"] in dev_ids:
                clashes.append(f"{row['file']}: id {doc['id']} is also a development-set file")
    assert not clashes, "\n".join(clashes)


def test_sources_lists_every_case_once():
    text = (HELD / "SOURCES.md").read_text(encoding="utf-8")
    for category in CATEGORIES:
        for path in _files(category):
            assert text.count(f"`{category}/{path.name}`") == 1, f"{path.name}: not listed exactly once in SOURCES.md"
