"""Donor ranking by the published hierarchy (clinical-reference A3) with outcome figures."""

from __future__ import annotations

from rarebone.osteopetrosis.donors import rank_donors
from tests.osteopetrosis.builders import donor


def test_hierarchy_matched_sibling_relative_unrelated_haplo_cord(kb):
    donors = (
        donor("cord", "cord_blood", "6/6"), donor("father", "father", "5/10"), donor("mud", "unrelated", "10/10"),
        donor("aunt", "other_relative", "10/10"), donor("sister", "sibling", "10/10"), donor("mmud", "unrelated", "8/10"),
    )
    ranked = [d.donor_id for d in rank_donors(donors, kb)]
    assert ranked == ["sister", "aunt", "mud", "father", "mmud", "cord"]


def test_nine_of_ten_unrelated_is_well_matched_eight_is_not(kb):
    ranked = rank_donors((donor("a", "unrelated", "9/10"), donor("b", "unrelated", "8/10")), kb)
    assert [d.tier for d in ranked] == ["matched_unrelated", "mismatched_unrelated"]


def test_affected_or_untyped_donors_are_not_ranked(kb):
    ranked = rank_donors((donor("sib", "sibling", "10/10", affected=True), donor("dad", "father")), kb)
    assert all(d.rank is None for d in ranked)
    assert "affected" in ranked[0].excluded_reason and "HLA typing" in ranked[1].excluded_reason


def test_outcome_figures_shown_beside_each_donor_type(kb):
    ranked = rank_donors((donor("sib", "sibling", "10/10"), donor("mum", "mother", "5/10")), kb)
    sib = {o.knowledge_id: o.value_percent for o in ranked[0].outcome_figures}
    haplo = {o.knowledge_id: o.value_percent for o in ranked[1].outcome_figures}
    assert sib["OP-OUTCOME-ORCHARD-MSD"] == 62          # Orchard 2015: 62% 5-y OS after MSD
    assert haplo["OP-OUTCOME-S1-HAPLO"] == 73.9         # S1: 73.9% 5-y OS after haplo
    assert any(o.disagreement for o in ranked[1].outcome_figures)


def test_ties_within_a_tier_prefer_more_matched_alleles_then_abo(kb):
    ranked = rank_donors((donor("f", "father", "5/10", abo_compatible=False), donor("m", "mother", "5/10", abo_compatible=True),
                          donor("u", "other_relative", "7/10")), kb)
    assert [d.donor_id for d in ranked] == ["u", "m", "f"]
