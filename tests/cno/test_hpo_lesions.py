"""CNO from plain Phenopackets (issue 9): lesion sites, laterality, criteria items and the monogenic infant
pattern read from HPO terms and modifiers, without rareboneExtensions."""

from __future__ import annotations

from tests.osteopetrosis.test_recognition_issue9 import _assess

BILATERAL = "HP:0012832"
BONE_PAIN = ("HP:0002653", "Bone pain")


def _cno(a):
    return a.suspicion["cno"]


def _item(a, criterion, key):
    c = next(c for c in a.cno.criteria if c.key == criterion)
    return next(i for i in c.items if i.key == key)


def test_site_osteomyelitis_gives_site_and_axial_items_against_jansson2009():
    a = _assess([("HP:0007626", "Mandibular osteomyelitis"), ("HP:0100923", "Clavicular sclerosis"), BONE_PAIN], age="P10Y")
    assert _item(a, "jansson2009", "vertebral_clavicular_sternal").value == "present"
    assert _item(a, "jansson2009", "more_than_one_lesion").value == "present"
    # one site only: the > 1 lesion item stays unknown (never absent from HPO alone)
    b = _assess([("HP:0007626", "Mandibular osteomyelitis")], age="P10Y")
    assert _item(b, "jansson2009", "more_than_one_lesion").value == "unknown"
    assert _item(b, "jansson2009", "vertebral_clavicular_sternal").value == "unknown"


def test_bilateral_modifier_makes_symmetric_and_multifocal_against_jansson2009():
    a = _assess([("HP:0002754", "Osteomyelitis"), ("HP:0025238", "Foot pain", False, (BILATERAL,))], age="P10Y")
    assert _item(a, "jansson2009", "symmetric_lesions").value == "present"
    assert _item(a, "jansson2009", "more_than_one_lesion").value == "present"
    b = _assess([("HP:0002754", "Osteomyelitis"), ("HP:0025238", "Foot pain")], age="P10Y")
    assert _item(b, "jansson2009", "symmetric_lesions").value == "unknown"


def test_clavicle_alone_meets_bristol_site_item_against_roderick2016():
    a = _assess([BONE_PAIN, ("HP:0000889", "Abnormal clavicle morphology")], age="P10Y")
    assert _item(a, "bristol2016", "c1_multifocal_or_clavicle").value == "present"
    assert _cno(a).level.value == "moderate"
    # the clavicle term alone, without pain or a lesion, is not a CNO lesion
    assert _cno(_assess([("HP:0000889", "Abnormal clavicle morphology")], age="P10Y")).level.value == "none"


def test_sclerosis_alone_is_a_dysplasia_not_a_cno_lesion():
    dense = [("HP:0002684", "Thickened calvaria"), ("HP:0004618", "Sandwich appearance of vertebral bodies"),
             ("HP:0000935", "Thickened cortex of long bones")]
    assert _cno(_assess(dense, age="P10Y")).level.value == "none"
    assert _cno(_assess(dense + [BONE_PAIN], age="P10Y")).level.value != "none"


def test_multifocal_bone_pain_is_moderate_single_site_low():
    two = _assess([("HP:0030839", "Knee pain"), ("HP:0030840", "Ankle pain")], age="P10Y")
    assert _cno(two).level.value == "moderate"
    assert any(e.knowledge_id == "CNO-SUSP-MULTIFOCAL-PAIN" for e in _cno(two).evidence_for)
    assert _cno(_assess([("HP:0030839", "Knee pain")], age="P10Y")).level.value == "low"


def test_recurrent_fever_does_not_argue_against_cno_but_acute_fever_does():
    base = [BONE_PAIN, ("HP:0030839", "Knee pain"), ("HP:0030840", "Ankle pain")]
    rec = _cno(_assess(base + [("HP:0001954", "Recurrent fever")], age="P10Y"))
    acute = _cno(_assess(base + [("HP:0001945", "Fever")], age="P10Y"))
    assert rec.score > acute.score


def test_majeed_infant_pattern_before_bone_pain_against_reference_b2():
    a = _assess([("HP:0001935", "Microcytic anemia"), ("HP:0001954", "Recurrent fever")], age="P1Y")
    assert _cno(a).level.value == "moderate" and "Majeed" in _cno(a).explanation
    assert any(m.key == "majeed" and m.flagged for m in a.cno.monogenic)
    # the specific clue alone (microcytic anaemia) is common: nothing is raised
    assert _cno(_assess([("HP:0001935", "Microcytic anemia")], age="P1Y")).level.value == "none"


def test_dira_pattern_pustules_with_osteolysis():
    a = _assess([("HP:0033605", "Pustular rash"), ("HP:0034047", "Rib osteolysis")], age="P2M")
    assert _cno(a).level.value == "moderate"
    assert _cno(_assess([("HP:0033605", "Pustular rash")], age="P2M")).level.value == "none"


def test_infant_pattern_ruled_out_by_later_onset():
    late = {"age": {"iso8601duration": "P8Y"}}
    from rarebone.intake.phenopacket import read_phenopacket_dict
    from rarebone.workflows.assess import assess_patient
    from tests.osteopetrosis.test_recognition_issue9 import META

    doc = {"id": "t", "subject": {"id": "p"}, "metaData": META, "phenotypicFeatures": [
        {"type": {"id": "HP:0001935", "label": "Microcytic anemia"}, "onset": late},
        {"type": {"id": "HP:0001954", "label": "Recurrent fever"}, "onset": late}]}
    r = read_phenopacket_dict(doc, "t.json")
    assert assess_patient(r.patient).suspicion["cno"].level.value == "none"


def test_shortcut_without_lesion_or_pain_terms_equals_the_walk_on_every_record():
    """read_hpo_lesions answers "nothing" from one set test when no present finding lies under a lesion or pain
    term (the CDS Hooks path, docs/cds-speed-log.md, "Branch cds-rules3"): the same as the full walk
    (``_read``) on every record of the repository, and the walk runs for the records that have such a term."""
    from dataclasses import asdict

    from rarebone.cno import hpo_lesions as H
    from rarebone.knowledge import load
    from rarebone.phenotype import ontology
    from tests.cno.test_level_is_none import _patients

    kb, onto = load(), ontology()
    concepts = H._concepts(kb)
    assert concepts is H._concepts(kb) and {"lesion", "pain", "not_lesion", "inflammatory"} <= set(concepts)
    shortcut = walked = 0
    for name, patient in _patients():
        answer, full = H.read_hpo_lesions(patient, kb, onto), H._read(patient, kb, onto, concepts)
        assert asdict(answer) == asdict(full), name
        if full.lesions or full.pain_sites or any(
                not onto.ancestors_or_self(f.hpo_id).isdisjoint(concepts["pain"]) for f in patient.features
                if not f.excluded):
            walked += 1
        else:
            shortcut += 1
    assert shortcut > 500 and walked > 100, (shortcut, walked)
