"""HSCT indication by genotype against clinical-reference A1 ("ten numbers most likely to hurt", no. 1)."""

from __future__ import annotations

import pytest

from rarebone.osteopetrosis import assess_osteopetrosis
from tests.osteopetrosis.builders import child, variant

OSTEOPETROSIS = "HP:0011002"


@pytest.mark.parametrize("gene,state,expected", [
    ("TCIRG1", "homozygous", "indicated"),          # S1, Stark 2009
    ("SNX10", "homozygous", "indicated"),           # Stepensky 2019
    ("TNFRSF11A", "homozygous", "indicated"),       # RANK: receptor on the haematopoietic precursor
    ("FERMT3", "homozygous", "indicated"),          # LAD-III (UNVERIFIED wording)
    ("OSTM1", "homozygous", "not_indicated"),       # S0 (Orchard): neurodegeneration not corrected
    ("TNFSF11", "homozygous", "not_indicated"),     # S0: RANKL defect extrinsic to osteoclasts
    ("CLCN7", "heterozygous", "case_by_case"),      # ADO2/IOP: sources disagree
    ("CA2", "homozygous", "case_by_case"),          # Stark 2009
    ("PLEKHM1", "homozygous", "case_by_case"),      # Stark 2009
    ("IKBKG", "hemizygous", "case_by_case"),        # immunodeficiency decides
    ("LRP5", "heterozygous", "not_indicated"),      # osteoblast-side disorder
    ("SLC4A2", "homozygous", "undetermined"),       # too few cases
    ("COL1A1", "heterozygous", "undetermined"),     # gene unknown to the table: said plainly
])
def test_hsct_recommendation_by_genotype_against_reference_a1(kb, onto, gene, state, expected):
    result = assess_osteopetrosis(child([OSTEOPETROSIS], variants=[variant(gene, state)]), kb, onto)
    assert result.hsct.recommendation.value == expected
    assert result.hsct.reasons and all(r.citations for r in result.hsct.reasons)


def test_unknown_gene_is_said_plainly(kb, onto):
    result = assess_osteopetrosis(child([OSTEOPETROSIS], variants=[variant("COL1A1", "heterozygous")]), kb, onto)
    assert "does not know" in result.hsct.reasons[0].text
    assert result.genetics.status.value == "outside_knowledge"


def test_two_heterozygous_variants_count_as_biallelic(kb, onto):
    v = [variant("TCIRG1", "heterozygous", "a"), variant("TCIRG1", "heterozygous", "b")]
    result = assess_osteopetrosis(child([OSTEOPETROSIS], variants=v), kb, onto)
    assert result.hsct.recommendation.value == "indicated"
    assert "phase not confirmed" in result.genetics.findings[0].note


def test_single_heterozygous_variant_in_recessive_gene_is_undetermined(kb, onto):
    result = assess_osteopetrosis(child([OSTEOPETROSIS], variants=[variant("TCIRG1", "heterozygous")]), kb, onto)
    assert result.hsct.recommendation.value == "undetermined"
    assert result.genetics.status.value == "inconclusive"
    assert any(r.id == "OP-REC-EXTEND-GENETICS" for r in result.recommendations)


@pytest.mark.parametrize("present,excluded,expected", [
    ((), (), "case_by_case"),                                                  # neuro work-up pending
    (("HP:0002376",), (), "not_indicated"),                                    # regression present
    ((), ("HP:0002180", "HP:0002376", "HP:0000546"), "indicated"),             # all three excluded
    ((), ("HP:0002180", "HP:0002376"), "case_by_case"),                        # one still unknown
])
def test_clcn7_biallelic_depends_on_neurodegeneration_against_reference_a1(kb, onto, present, excluded, expected):
    patient = child([OSTEOPETROSIS, *present], excluded=excluded, variants=[variant("CLCN7", "homozygous")])
    result = assess_osteopetrosis(patient, kb, onto)
    assert result.hsct.recommendation.value == expected
    if expected == "case_by_case":
        assert any(r.id == "OP-REC-NEURO-WORKUP" for r in result.recommendations)


def test_not_indicated_genotype_wins_over_an_indicated_one(kb, onto):
    v = [variant("TCIRG1", "homozygous", "a"), variant("OSTM1", "homozygous", "b")]
    assert assess_osteopetrosis(child([OSTEOPETROSIS], variants=v), kb, onto).hsct.recommendation.value == "not_indicated"


def test_clcn7_monoallelic_carries_the_disagreement(kb, onto):
    result = assess_osteopetrosis(child([OSTEOPETROSIS, "HP:0001876"], variants=[variant("CLCN7", "heterozygous")]), kb, onto)
    assert result.hsct.disagreement and "Stark 2009" in result.hsct.disagreement
    assert "In favour here: pancytopenia" in result.hsct.reasons[0].text


def test_rank_genotype_flags_hypercalcaemia_risk(kb, onto):
    result = assess_osteopetrosis(child([OSTEOPETROSIS], variants=[variant("TNFRSF11A")]), kb, onto)
    assert any(r.id == "OP-RISK-HYPERCALCAEMIA-RANK" for r in result.recommendations)


def test_no_genotype_asks_for_molecular_confirmation_with_gene_list(kb, onto):
    result = assess_osteopetrosis(child([OSTEOPETROSIS, "HP:0000648"]), kb, onto)
    assert result.hsct.recommendation.value == "undetermined"
    rec = next(r for r in result.recommendations if r.id == "OP-REC-GENETIC-TESTING")
    assert "TCIRG1" in rec.text and "CLCN7" in rec.text and "OSTM1" in rec.text
    assert any("no genotype" in m for m in result.missing_data)
