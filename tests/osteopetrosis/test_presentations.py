"""Published presentations without a radiograph (op_presentation entries): each raises osteopetrosis suspicion to
moderate - never high - only when every group holds, prints its differential, and a normal skeletal radiograph
still caps it at low. Both sides of every boundary, against the entry's source."""

from __future__ import annotations

from rarebone.osteopetrosis.suspicion import assess_suspicion
from tests.osteopetrosis.builders import child

ANEMIA, THROMBO, PANCYTO = "HP:0001903", "HP:0001873", "HP:0001876"
FRACTURE, HYPOCA, MACRO, ERUPTION = "HP:0002756", "HP:0002901", "HP:0000256", "HP:0000684"
EMH, HSM, OSTEOPETROSIS = "HP:0001978", "HP:0001433", "HP:0011002"
PLATELET_FN, LEUKOCYTOSIS, CORD = "HP:0011869", "HP:0001974", "HP:0032434"


def suspicion(kb, onto, **kw):
    return assess_suspicion(child(**kw), kb, onto)


def _pattern_ids(s):
    return {e.knowledge_id for e in s.evidence_for if e.knowledge_id.startswith("OP-PRESENT-")}


def test_marrow_failure_with_bone_sign_against_s0(kb, onto):
    # S0: anaemia and thrombocytopenia with fractures / hypocalcaemia / macrocephaly / eruption defect
    for sign in (FRACTURE, HYPOCA, MACRO, ERUPTION):
        s = suspicion(kb, onto, present=[ANEMIA, THROMBO, sign])
        assert s.level.value == "moderate", sign
        assert _pattern_ids(s) == {"OP-PRESENT-MARROW-BONE"}
        assert "leukaemia" in s.explanation.lower()  # the differential is stated
    assert suspicion(kb, onto, present=[PANCYTO, HYPOCA]).level.value == "moderate"
    # one side of the boundary: a single cytopenia is not marrow failure; no bone sign, no pattern
    assert suspicion(kb, onto, present=[ANEMIA, FRACTURE]).level.value in ("none", "low")
    assert suspicion(kb, onto, present=[ANEMIA, THROMBO]).level.value == "none"
    assert not _pattern_ids(suspicion(kb, onto, present=[PANCYTO, HSM]))


def test_marrow_failure_with_extramedullary_haematopoiesis_against_s1(kb, onto):
    assert suspicion(kb, onto, present=[PANCYTO, EMH]).level.value == "moderate"
    assert suspicion(kb, onto, present=[ANEMIA, THROMBO, EMH]).level.value == "moderate"
    # hepatosplenomegaly without "extramedullary haematopoiesis" written stays below (common in other diseases)
    assert suspicion(kb, onto, present=[PANCYTO, HSM]).level.value == "low"
    # extramedullary haematopoiesis with one cytopenia only (thalassaemia-like) does not match
    assert not _pattern_ids(suspicion(kb, onto, present=[ANEMIA, EMH]))


def test_lad3_picture_against_hpo_annotation(kb, onto):
    # HPO annotation of OMIM:612840: osteopetrosis, bleeding, increased leukocyte count, recurrent infections
    s = suspicion(kb, onto, present=[PLATELET_FN, LEUKOCYTOSIS])
    assert s.level.value == "moderate" and _pattern_ids(s) == {"OP-PRESENT-LAD3"}
    assert "Glanzmann" in s.explanation
    assert suspicion(kb, onto, present=[PLATELET_FN, CORD]).level.value == "moderate"
    assert suspicion(kb, onto, present=[PLATELET_FN]).level.value == "none"   # Glanzmann-like alone
    assert suspicion(kb, onto, present=[LEUKOCYTOSIS, CORD]).level.value in ("none", "low")  # LAD-I-like alone


def test_presentations_never_reach_high_and_a_normal_radiograph_caps_them(kb, onto):
    s = suspicion(kb, onto, present=[PANCYTO, HYPOCA, FRACTURE, MACRO, ERUPTION, EMH, PLATELET_FN, LEUKOCYTOSIS])
    assert s.level.value == "moderate"
    capped = suspicion(kb, onto, present=[ANEMIA, THROMBO, FRACTURE], excluded=[OSTEOPETROSIS])
    assert capped.level.value == "low" and "capped" in capped.explanation


def test_every_presentation_names_known_flags_and_terms(kb, onto):
    from rarebone.knowledge.kinds.osteopetrosis import PresentationPattern, RedFlag

    flags = {f.id for f in kb.of_kind(RedFlag)}
    patterns = kb.of_kind(PresentationPattern)
    assert patterns
    for p in patterns:
        assert p.sources and p.differential and p.raises_to != "high"
        for group in p.all_of:
            for alternative in group:
                for item in alternative:
                    assert item in flags or (item.startswith("HP:") and onto.exists(item)), (p.id, item)


def test_neonatal_onset_from_age_at_last_encounter_against_s0(kb, onto):
    # S0: neonatal hypocalcaemia should raise suspicion. No onset written, but seen at 28 days (the neonatal
    # period's last day, OP-SUSPICION-LEVELS.neonatal_days) -> neonatal; seen at 29 days -> onset unknown.
    days = kb.get("OP-SUSPICION-LEVELS").neonatal_days
    inside = suspicion(kb, onto, present=[HYPOCA], age_days=days)
    outside = suspicion(kb, onto, present=[HYPOCA], age_days=days + 1)
    unknown_age = suspicion(kb, onto, present=[HYPOCA], age_days=None)
    assert any(e.knowledge_id == "OP-FLAG-NEONATAL-HYPOCALCEMIA" for e in inside.evidence_for)
    assert not any(e.knowledge_id == "OP-FLAG-NEONATAL-HYPOCALCEMIA" for e in outside.evidence_for)
    assert not any(e.knowledge_id == "OP-FLAG-NEONATAL-HYPOCALCEMIA" for e in unknown_age.evidence_for)
    assert inside.score == outside.score + 1
