"""Suspicion levels on both sides of every threshold (OP-SUSPICION-LEVELS), subsumption and exclusion."""

from __future__ import annotations

from rarebone.osteopetrosis import assess_osteopetrosis
from rarebone.osteopetrosis.suspicion import assess_suspicion
from tests.osteopetrosis.builders import child

OSTEOPETROSIS, VISION, ANEMIA, THROMBO, SPLENO, FTT, MACRO = (
    "HP:0011002", "HP:0000648", "HP:0001903", "HP:0001873", "HP:0001744", "HP:0001508", "HP:0000256")


def level(kb, onto, **kw):
    return assess_suspicion(child(**kw), kb, onto)


def test_thresholds_come_from_the_knowledge_base(kb):
    rules = kb.get("OP-SUSPICION-LEVELS")
    assert (rules.low_min_score, rules.moderate_min_score, rules.high_min_score) == (3, 6, 9)


def test_hallmark_alone_is_moderate_and_needs_more_for_high(kb, onto):
    assert level(kb, onto, present=[OSTEOPETROSIS]).level.value == "moderate"          # 6
    assert level(kb, onto, present=[OSTEOPETROSIS, ANEMIA, THROMBO]).level.value == "moderate"  # 8, one below high
    assert level(kb, onto, present=[OSTEOPETROSIS, VISION]).level.value == "high"      # 9 = high_min_score


def test_without_hallmark_never_high_and_moderate_needs_two_domains(kb, onto):
    # vision 3 + anaemia 1 + thrombocytopenia 1 + spleen 1 = 6 in 2 domains -> moderate
    assert level(kb, onto, present=[VISION, ANEMIA, THROMBO, SPLENO]).level.value == "moderate"
    # 5 points -> low (one below moderate)
    assert level(kb, onto, present=[VISION, ANEMIA, THROMBO]).level.value == "low"
    # many points, all in haematology -> held at low (extramedullary haematopoiesis itself would match the
    # published presentation OP-PRESENT-MARROW-EMH, tested in test_presentations.py)
    many = ["HP:0001876", SPLENO, "HP:0001974", "HP:0033281"]
    s = level(kb, onto, present=many)
    assert s.score >= 5 and s.level.value == "low"
    big = level(kb, onto, present=[VISION, "HP:0001876", SPLENO, FTT, MACRO, "HP:0000238", "HP:0000365", "HP:0002901"])
    assert big.score >= 9 and big.level.value == "moderate"


def test_two_points_is_none_three_is_low(kb, onto):
    assert level(kb, onto, present=[ANEMIA, THROMBO]).level.value == "none"     # 2
    assert level(kb, onto, present=[VISION]).level.value == "low"               # 3


def test_excluded_hallmark_caps_at_low(kb, onto):
    s = level(kb, onto, present=[VISION, ANEMIA, THROMBO, SPLENO], excluded=[OSTEOPETROSIS])
    assert s.level.value == "low" and "capped" in s.explanation
    assert any(e.knowledge_id == "OP-FLAG-OSTEOSCLEROSIS" for e in s.evidence_against)


def test_excluding_a_parent_term_excludes_the_hallmark(kb, onto):
    # "Increased bone mineral density" excluded rules out osteopetrosis, a descendant
    s = level(kb, onto, present=[VISION], excluded=["HP:0011001"])
    assert any(e.knowledge_id == "OP-FLAG-OSTEOSCLEROSIS" and e.status.value == "excluded" for e in s.evidence_against)


def test_descendant_term_matches_a_red_flag(kb, onto):
    # a more specific optic-atrophy term counts as optic atrophy
    child_term = next(iter(onto._term(VISION).children)).id
    s = level(kb, onto, present=[child_term])
    assert any(e.knowledge_id == "OP-FLAG-VISION" for e in s.evidence_for)


def test_neonatal_hypocalcaemia_weighs_more_than_later_hypocalcaemia(kb, onto):
    later = level(kb, onto, present=["HP:0002901"])
    neonatal = level(kb, onto, neonatal=["HP:0002901"])
    assert neonatal.score == later.score + 1
    assert any(e.knowledge_id == "OP-FLAG-NEONATAL-HYPOCALCEMIA" for e in neonatal.evidence_for)


def test_one_finding_is_not_counted_twice(kb, onto):
    # osteopetrosis is also an "increased bone mineral density": only the hallmark counts
    s = level(kb, onto, present=[OSTEOPETROSIS])
    assert s.score == 6


def test_unknown_is_not_absent(kb, onto):
    s = level(kb, onto, present=[VISION])
    assert any(e.knowledge_id == "OP-FLAG-OSTEOSCLEROSIS" for e in s.unknown)
    assert not s.evidence_against


def test_urgency_from_vision_against_reference_a2(kb, onto):
    result = assess_osteopetrosis(child([OSTEOPETROSIS, VISION]), kb, onto)
    assert result.hsct.urgency.value == "urgent"
    assert any("vision is lost while waiting" in r.text for r in result.hsct.urgency_reasons)


def test_no_urgency_without_triggers(kb, onto):
    result = assess_osteopetrosis(child([OSTEOPETROSIS, MACRO, "HP:0000684", "HP:0002756"]), kb, onto)
    assert result.hsct.urgency.value == "routine"


def test_leukaemia_mimic_warns_only_without_radiograph(kb, onto):
    picture = [ANEMIA, THROMBO, "HP:0001974"]
    assert assess_osteopetrosis(child(picture), kb, onto).mimics
    assert not assess_osteopetrosis(child(picture + [OSTEOPETROSIS]), kb, onto).mimics
    assert not assess_osteopetrosis(child(picture, excluded=[OSTEOPETROSIS]), kb, onto).mimics
    assert not assess_osteopetrosis(child([ANEMIA, THROMBO]), kb, onto).mimics
