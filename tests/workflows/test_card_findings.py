"""``card_findings`` (the CDS Hooks path) leaves out what no card reads; everything it returns must equal what
``assess_patient`` gives for the same record, on every record of the repository (Phenopackets, their FHIR
translations, the FHIR examples). What it leaves out, by design: donors, recommendations, citations, the work-up
items other than CARD_WORKUP_IDS, and the whole CNO part when the CNO suspicion is none."""

from __future__ import annotations

from rarebone.core.evidence import SuspicionLevel
from rarebone.knowledge import load
from rarebone.workflows.assess import CARD_WORKUP_IDS, assess_patient, card_findings


def test_card_findings_equal_the_assessment_on_every_record():
    from rarebone.errors import RareboneError
    from tests.cno.test_level_is_none import _patients

    kb = load()
    assert all(kb.get(i) for i in CARD_WORKUP_IDS)
    checked = with_workup = with_cno = 0
    for name, patient in _patients():
        try:
            full = assess_patient(patient, kb=kb)
        except RareboneError:
            continue  # refused records: tests/cno/test_level_is_none checks both paths refuse them alike
        cards = card_findings(patient, kb)
        assert cards.suspicion["osteopetrosis"] == full.suspicion["osteopetrosis"], name
        assert (cards.genetics, cards.hsct, cards.mimics) == (full.genetics, full.hsct, full.mimics), name
        assert cards.workup == [w for w in full.workup if w.id in CARD_WORKUP_IDS], name
        if full.suspicion["cno"].level is SuspicionLevel.NONE:
            assert cards.cno is None and "cno" not in cards.suspicion, name
        else:
            assert cards.suspicion["cno"] == full.suspicion["cno"] and cards.cno == full.cno, name
            with_cno += 1
        with_workup += bool(cards.workup)
        checked += 1
    assert checked > 1000 and with_workup > 50 and with_cno > 100, (checked, with_workup, with_cno)
