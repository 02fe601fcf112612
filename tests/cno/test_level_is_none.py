"""The CDS Hooks shortcut ``assess_cno(only_if_suspected=True)`` (used by ``workflows.assess.card_findings``) skips
the CNO block when ``cno.suspicion.level_is_none`` says the suspicion is none. That test repeats two steps of
``cno_suspicion`` (core findings, infant patterns); here it is pinned to the full computation on every chart of the
repository: the shortcut answers None exactly when the full suspicion is none, and otherwise the same objects."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from rarebone.core.evidence import SuspicionLevel
from tests.osteopetrosis.test_recognition_issue9 import META

ROOT = Path(__file__).resolve().parents[2]
COLLECTIONS = ("tests/data/real-cases", "tests/data/real-cases-heldout", "tests/data/phenopacket-store-sample",
               "tests/cno/fixtures", "tests/validation/fixtures", "examples/phenopackets", "examples/cno")


def _patients():
    """(name, Patient): every Phenopacket of the collections, its FHIR translation (as the CDS Hooks tests make
    it), and the FHIR example Bundles."""
    from rarebone.errors import RareboneError
    from rarebone.intake.fhir import read_bundle_dict
    from rarebone.intake.phenopacket import read_phenopacket_dict
    from tests.cdshooks.pp2fhir import convert

    def bundle(resources):
        return {"resourceType": "Bundle", "type": "collection", "entry": [{"resource": r} for r in resources]}

    for path in sorted((ROOT / "examples/fhir").glob("*.json")):
        yield path.name, read_bundle_dict(json.loads(path.read_text()), source=path.name).patient
    for collection in COLLECTIONS:
        for path in sorted((ROOT / collection).rglob("*.json")):
            packet = json.loads(path.read_text())
            if not isinstance(packet, dict) or "subject" not in packet or "id" not in packet:
                continue  # not a Phenopacket (plans, donors, expectations)
            try:
                yield str(path), read_phenopacket_dict(packet, str(path)).patient
            except RareboneError:
                pass  # fixtures of refused records
            try:
                yield f"{path} (FHIR)", read_bundle_dict(bundle(convert(packet, dt.date(2026, 12, 1))),
                                                         source=str(path)).patient
            except RareboneError:
                pass


def _both(patient):
    from rarebone.knowledge import load
    from rarebone.phenotype import ontology
    from rarebone.workflows.assess import _run_rules

    kb, onto = load(), ontology()
    full = _run_rules(patient, kb, onto, rank_donors=False)[3]
    short = _run_rules(patient, kb, onto, rank_donors=False, cards_only=True)[3]
    return full, short


def _both_short(patient):
    from rarebone.knowledge import load
    from rarebone.phenotype import ontology
    from rarebone.workflows.assess import _run_rules

    return _run_rules(patient, load(), ontology(), rank_donors=False, cards_only=True)


def test_shortcut_equals_the_full_cno_assessment_on_every_chart():
    from rarebone.errors import RareboneError

    counts = {"none": 0, "raised": 0, "without core": 0, "refused": 0}
    for name, patient in _patients():
        try:
            (suspicion, block), short = _both(patient)
        except RareboneError as exc:  # a malformed CNO block: refused the same way with the shortcut
            with pytest.raises(RareboneError) as again:
                _both_short(patient)
            assert str(again.value) == str(exc), name
            counts["refused"] += 1
            continue
        if suspicion.level is SuspicionLevel.NONE:
            assert short is None, name
            counts["none"] += 1
        else:
            assert short is not None, name
            assert short[0] == suspicion and short[1] == block, name
            counts["raised"] += 1
            counts["without core"] += "no core bone finding" in suspicion.explanation
    # both sides are exercised, on many charts
    assert counts["none"] > 300 and counts["raised"] > 100 and counts["refused"] > 0, counts


def _patient(features, age):
    from rarebone.intake.phenopacket import read_phenopacket_dict

    doc = {"id": "t", "subject": {"id": "p", "timeAtLastEncounter": {"age": {"iso8601duration": age}}},
           "metaData": META, "phenotypicFeatures": [{"type": {"id": t, "label": label}} for t, label in features]}
    return read_phenopacket_dict(doc, "t.json").patient


@pytest.mark.parametrize("features, age, level", [
    # the Majeed and DIRA infant patterns raise a record without any core bone finding (tests/cno/test_hpo_lesions)
    ([("HP:0001935", "Microcytic anemia"), ("HP:0001954", "Recurrent fever")], "P1Y", "moderate"),
    ([("HP:0033605", "Pustular rash"), ("HP:0034047", "Rib osteolysis")], "P2M", "moderate"),
    # the specific clue alone raises nothing
    ([("HP:0001935", "Microcytic anemia")], "P1Y", "none"),
    ([("HP:0033605", "Pustular rash")], "P2M", "none"),
    # a core finding: bone pain, set aside by nothing
    ([("HP:0002653", "Bone pain")], "P10Y", "low"),
    ([("HP:0030839", "Knee pain"), ("HP:0030840", "Ankle pain")], "P10Y", "moderate"),
])
def test_shortcut_follows_the_infant_patterns_and_core_findings(features, age, level):
    (suspicion, block), short = _both(_patient(features, age))
    assert suspicion.level.value == level
    assert (short is None) == (level == "none")
    if short is not None:
        assert short == (suspicion, block)
