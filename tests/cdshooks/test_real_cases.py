"""Published cases (tests/data/real-cases, Phenopackets from case reports; sources and licence in SOURCES.md there)
as an EHR would hold them (pp2fhir.py), sent to patient-view over HTTP. The cards must say what ``rarebone assess``
says about the same case read as a Phenopacket: the osteopetrosis card and its indicator from the suspicion
level, the urgent-HSCT card from the urgency, one look-alike card per mimic warning."""

import json
from pathlib import Path

import pytest

from rarebone.core.clock import today

from .conftest import ROOT, patient_view_request
from .pp2fhir import convert

CASES = sorted(p for d in ("osteopetrosis", "lookalike", "negatives")
               for p in (ROOT / "tests/data/real-cases" / d).glob("*.json"))


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_published_case_cards_agree_with_the_phenopacket_assessment(cds, path: Path):
    from rarebone.intake import read_phenopacket
    from rarebone.workflows.assess import assess_patient

    result = read_phenopacket(path)
    expected = assess_patient(result.patient, result.warnings)
    r = cds.call("rarebone-patient-view", patient_view_request(convert(json.loads(path.read_text()), today())))
    assert r.status_code == 200, r.text
    cards = {c["source"]["topic"]["code"]: c for c in r.json()["cards"]}
    level = expected.suspicion["osteopetrosis"].level.value
    if level in ("moderate", "high"):
        assert cards["osteopetrosis-suspicion"]["indicator"] == ("critical" if level == "high" else "warning")
    else:
        assert "osteopetrosis-suspicion" not in cards
    assert ("hsct-urgent" in cards) == (expected.hsct.urgency.value == "urgent")
    assert {k for k in cards if k.startswith("op-mimic") or k.startswith("op-lookalike")} >= {
        m.id.lower() for m in expected.mimics}


def test_the_published_cases_cover_both_sides():
    """The set is not one-sided: some cases must raise an osteopetrosis card and some must not."""
    from rarebone.intake import read_phenopacket
    from rarebone.workflows.assess import assess_patient

    levels = {assess_patient(read_phenopacket(p).patient).suspicion["osteopetrosis"].level.value for p in CASES}
    assert levels & {"moderate", "high"} and levels & {"none", "low"}
