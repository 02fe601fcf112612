"""The free-text reader's phrase table holds the HPO terms the knowledge base uses, all of them and nothing else
(data/text-hpo-phrases.json.gz, built by scripts/build_fhir_text_phrases.py from hp.obo 2025-01-16).

The knowledge terms are derived here from the knowledge files themselves, so a term added to a red flag, a CNO
finding, a criterion or a look-alike without rebuilding the table fails this test. The hierarchy is checked with
the ontology rarebone runs on (hpo3, HPO 2025-11-24); the few terms HPO moved between the two releases are
listed below by name, so that a new difference fails too."""

from __future__ import annotations

import gzip
import json
import re
from functools import lru_cache
from pathlib import Path

import yaml

from rarebone.intake.fhir.text import DATA, normalise
from rarebone.phenotype import ontology

KNOWLEDGE = Path(__file__).resolve().parents[2] / "src" / "rarebone" / "knowledge" / "data"
LABEL_INDEX = Path(__file__).resolve().parents[2] / "src" / "rarebone" / "phenotype" / "data" / "hpo-label-index.json.gz"
NOT_USED = ("coverage_exclusions.yaml", "sources.yaml")  # terms deliberately left out; citations
PHENOTYPIC_ABNORMALITY = "HP:0000118"
# Live terms that are under a knowledge term in HPO 2025-01-16 but not in 2025-11-24 (reparented).
MOVED_OUT = {"HP:0001880": "Increased total eosinophil count", "HP:0002039": "Anorexia",
             "HP:0002359": "Frequent falls", "HP:0005404": "Increased total B cell count",
             "HP:0032061": "Severely increased total eosinophil count", "HP:0032151": "Episodic eosinophilia",
             "HP:0100827": "Increased total lymphocyte count", "HP:0100828": "Increased total T cell count"}
# Terms of 2025-01-16 that are under a knowledge term only in 2025-11-24.
MOVED_IN = {"HP:0006582": "Reye syndrome-like episodes"}


@lru_cache(maxsize=1)
def _table() -> dict:
    with gzip.open(DATA / "text-hpo-phrases.json.gz", "rt", encoding="utf-8") as handle:
        return json.load(handle)


@lru_cache(maxsize=1)
def _release_ids() -> frozenset[str]:
    with gzip.open(LABEL_INDEX, "rt", encoding="utf-8") as handle:
        index = json.load(handle)
    assert index["hpo_release"] == _table()["hpo_release"], "phrase table and label index from different releases"
    return frozenset(i for ids in index["labels"].values() for i in ids)


def knowledge_terms() -> set[str]:
    """Every HPO id written in the knowledge files (red flags, CNO findings, criteria, look-alikes, ...)."""
    out: set[str] = set()
    for path in KNOWLEDGE.rglob("*.yaml"):
        if path.name not in NOT_USED:
            out |= set(re.findall(r"HP:\d{7}", path.read_text(encoding="utf-8")))
    return out


def _live(term: str) -> bool:
    t = ontology()._term(term)
    return t is not None and not t.is_obsolete


def test_the_table_roots_are_exactly_the_knowledge_base_phenotype_terms():
    onto = ontology()
    expected = {t for t in knowledge_terms() if t in _release_ids() and _live(t)
                and onto.is_a(t, PHENOTYPIC_ABNORMALITY)}
    assert expected and set(_table()["knowledge_terms"]) == expected


def test_every_table_term_is_a_knowledge_term_or_a_descendant():
    onto = ontology()
    roots = set(_table()["knowledge_terms"])
    outside = {t for t in _table()["terms"] if _live(t) and onto.ancestors_or_self(t).isdisjoint(roots)}
    assert outside == set(MOVED_OUT)


def test_every_descendant_of_a_knowledge_term_is_in_the_table():
    from pyhpo import Ontology  # hpo3

    onto = ontology()
    roots = set(_table()["knowledge_terms"])
    wanted = {t.id for t in Ontology if t.id in _release_ids() and not onto.ancestors_or_self(t.id).isdisjoint(roots)}
    assert wanted - set(_table()["terms"]) == set(MOVED_IN)


def test_the_table_and_the_normaliser_agree():
    # each key is the normalised form of its written phrase: a change of normalise() needs a rebuilt table
    phrases = _table()["phrases"]
    assert len(phrases) > 10_000
    assert all(normalise(written) == key for key, (_, written) in phrases.items())
    assert all(len(key.replace(" ", "")) >= 4 for key in phrases)
    assert set(t for t, _ in phrases.values()) <= set(_table()["terms"])


def _config() -> dict:
    return yaml.safe_load((DATA / "text.yaml").read_text(encoding="utf-8"))


def test_every_knowledge_base_phenotype_term_has_a_phrase():
    # a term newer than the table's hp.obo (HP:6001178 Clavicular edema, HPO 2025-11-24) needs its label in
    # text.yaml, or a text-only "Clavicular edema" is never read (held-out cno-bmcresnotes2014-p1)
    onto = ontology()
    have = {t for t, _ in _table()["phrases"].values()} | {row["hpo"] for row in _config()["phrases"]}
    wanted = {t for t in knowledge_terms() if _live(t) and onto.is_a(t, PHENOTYPIC_ABNORMALITY)}
    assert wanted - have == set()


def test_every_radiology_phrase_is_cited_for_a_knowledge_term():
    config = _config()
    for row in config["phrases"]:
        assert row["hpo"] in _table()["terms"] or row["hpo"] in knowledge_terms(), row
        assert row["sources"] and set(row["sources"]) <= set(config["sources"]), row
        assert row["certainty"] in ("verified", "secondary", "unverified") and row["quote"], row
        if row["certainty"] == "unverified":
            assert row.get("note"), row  # why it is unverified is said
