"""The real-case development set (issue 9) is a yardstick: these tests check its form, not rarebone's answers.

For every category folder present under tests/data/real-cases/ (osteopetrosis, cno, lookalike, ...):
each file is a plain Phenopacket v2 that protobuf parses strictly, carries no rarebone-only keys,
uses HPO ids that exist (with their current labels) in the pinned hpo3 release, and has exactly one
row in keys/<category>.csv whose citation is a PMID or DOI (REAL-CASES-SPEC.md).
"""
from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest

REAL = Path(__file__).resolve().parents[1] / "data" / "real-cases"
NOT_CATEGORIES = {"keys", "tools", "negatives"}
CATEGORIES = sorted(p.name for p in REAL.iterdir() if p.is_dir() and p.name not in NOT_CATEGORIES) if REAL.is_dir() else []
KEY_HEADER = ["file", "category", "subgroup", "disease_id", "disease_label", "gene", "allelic_state",
              "expected_hsct", "citation", "unfilled"]
CITATION = re.compile(r"^(PMID:\d+|DOI:10\.\d{4,9}/\S+)$")
HPO_ID = re.compile(r"^HP:\d{7}$")
DISEASE_ID = re.compile(r"^(OMIM|ORPHA|MONDO):\d+$")
ALLELIC = {"", "homozygous", "compound_heterozygous", "heterozygous", "hemizygous"}


def _files(category: str, root: Path = REAL) -> list[Path]:
    return sorted((root / category).glob("*.json"))


def _rows(category: str, root: Path = REAL) -> list[dict]:
    path = root / "keys" / f"{category}.csv"
    assert path.is_file(), f"{path} missing: every category folder needs its key file"
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        assert reader.fieldnames == KEY_HEADER, f"{path}: header {reader.fieldnames}"
        return list(reader)


def _walk(node, path: str = "$"):
    """Yield (json_path, key, value) for every key in a parsed JSON document."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield f"{path}.{key}", key, value
            yield from _walk(value, f"{path}.{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _walk(value, f"{path}[{i}]")


@pytest.fixture(scope="module")
def hpo():
    import pyhpo  # hpo3, pinned in pyproject

    pyhpo.Ontology()
    return pyhpo.Ontology


def test_the_set_has_at_least_one_category_folder():
    assert CATEGORIES, f"no category folder under {REAL}"


@pytest.mark.parametrize("category", CATEGORIES)
def test_every_file_strictly_parses_as_a_phenopacket_v2(category):
    from google.protobuf import json_format
    from phenopackets import Phenopacket

    files = _files(category)
    assert files, f"{category}: folder is empty"
    for path in files:
        try:
            json_format.Parse(path.read_text(encoding="utf-8"), Phenopacket())
        except json_format.ParseError as exc:
            pytest.fail(f"{path.name}: not a strict Phenopacket v2: {exc}")


@pytest.mark.parametrize("category", CATEGORIES)
def test_no_file_carries_rarebone_extensions(category):
    for path in _files(category):
        doc = json.loads(path.read_text(encoding="utf-8"))
        bad = [p for p, key, _ in _walk(doc) if key.lower().startswith("rarebone")]
        assert not bad, f"{path.name}: non-standard rarebone keys at {bad}"


@pytest.mark.parametrize("category", CATEGORIES)
def test_every_hpo_id_exists_in_hpo3_with_its_label(category, hpo):
    problems = []
    for path in _files(category):
        doc = json.loads(path.read_text(encoding="utf-8"))
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
            if term.is_obsolete:
                problems.append(f"{path.name} {jpath}: {value} is obsolete")
            parent = jpath.rsplit(".", 1)[0]
            label = next((v for p, k, v in _walk(doc) if p == f"{parent}.label"), None)
            if label is not None and label != term.name:
                problems.append(f"{path.name} {jpath}: label {label!r} != hpo3 {term.name!r}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("category", CATEGORIES)
def test_every_key_row_names_an_existing_file_and_every_file_has_one_row(category):
    rows = _rows(category)
    named = [r["file"] for r in rows]
    dupes = sorted({n for n in named if named.count(n) > 1})
    assert not dupes, f"{category}: files keyed twice: {dupes}"
    missing = [n for n in named if not (REAL / n).is_file()]
    assert not missing, f"{category}: key rows without a file: {missing}"
    on_disk = {f"{category}/{p.name}" for p in _files(category)}
    unkeyed = sorted(on_disk - set(named))
    assert not unkeyed, f"{category}: files without a key row: {unkeyed}"
    foreign = [n for n in named if not n.startswith(f"{category}/")]
    assert not foreign, f"{category}: key rows pointing outside the folder: {foreign}"


@pytest.mark.parametrize("category", CATEGORIES)
def test_key_rows_cite_a_pmid_or_doi_and_name_the_diagnosis(category):
    problems = []
    for row in _rows(category):
        if not CITATION.match(row["citation"]):
            problems.append(f"{row['file']}: citation {row['citation']!r} is not PMID:… or DOI:…")
        if row["category"] != category:
            problems.append(f"{row['file']}: category {row['category']!r} in keys/{category}.csv")
        # a look-alike with no verifiable ontology id (e.g. Brodie abscess) may leave it empty, saying so in unfilled
        if not DISEASE_ID.match(row["disease_id"]) and not (row["disease_id"] == "" and "disease" in row["unfilled"].lower()):
            problems.append(f"{row['file']}: disease_id {row['disease_id']!r}")
        if not row["subgroup"]:
            problems.append(f"{row['file']}: empty subgroup")
        if row["allelic_state"] not in ALLELIC:
            problems.append(f"{row['file']}: allelic_state {row['allelic_state']!r}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("category", CATEGORIES)
def test_files_with_an_interpretation_are_keyed_with_its_gene(category):
    """A genotype in the file and the gene in the key must agree; no genotype means an empty gene column."""
    by_file = {r["file"]: r for r in _rows(category)}
    problems = []
    for path in _files(category):
        doc = json.loads(path.read_text(encoding="utf-8"))
        genes = {v["symbol"] for p, k, v in _walk(doc) if k == "geneContext" and isinstance(v, dict)}
        row = by_file.get(f"{category}/{path.name}")
        if row is None:
            continue  # reported by the key-row test
        keyed = {row["gene"]} if row["gene"] else set()
        if genes and not keyed <= genes:
            problems.append(f"{path.name}: file genes {sorted(genes)} vs key {row['gene']!r}")
        states = {v.get("id") for p, k, v in _walk(doc) if k == "allelicState" and isinstance(v, dict)}
        if genes and states and not row["allelic_state"]:  # zygosity not stated by the authors: no state either side
            problems.append(f"{path.name}: genotype in file but empty allelic_state in key")
        if not genes and row["allelic_state"]:
            problems.append(f"{path.name}: allelic_state {row['allelic_state']!r} keyed without a genotype in the file")
    assert not problems, "\n".join(problems)
