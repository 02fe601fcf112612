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


# ---- issue 10 item 4: a sibling may be affected; time matters for an urgent child

SIBLING_PROMPT = "confirm the sibling is unaffected (genotype)"


def test_a_matched_sibling_of_unknown_genotype_is_ranked_first_but_must_be_genotyped(kb):
    for genotype in (None, "not_tested"):
        ranked = rank_donors((donor("sis", "sibling", "10/10", genotype=genotype), donor("dad", "father", "5/10")), kb)
        assert ranked[0].donor_id == "sis" and ranked[0].rank == 1
        assert any(SIBLING_PROMPT in w for w in ranked[0].warnings)
        assert ranked[1].warnings == []  # parents are known carriers or unaffected by definition of the prompt


def test_a_sibling_known_unaffected_or_carrier_carries_no_prompt(kb):
    ranked = rank_donors((donor("a", "sibling", "10/10", genotype="unaffected"),
                          donor("b", "sibling", "10/10", carrier=True),
                          donor("c", "sibling", "10/10", genotype="carrier")), kb)
    assert [d.warnings for d in ranked] == [[], [], []]


def test_a_sibling_with_affected_genotype_is_not_a_donor(kb):
    ranked = rank_donors((donor("sib", "sibling", "10/10", genotype="affected"),), kb)
    assert ranked[0].rank is None and "affected" in ranked[0].excluded_reason


def test_each_ranked_donor_shows_its_expected_time_to_transplant_with_source(kb):
    ranked = rank_donors((donor("mud", "unrelated", "10/10"), donor("dad", "father", "5/10"),
                          donor("cord", "cord_blood", "6/6")), kb)
    by = {d.donor_id: d for d in ranked}
    assert by["dad"].time_knowledge_id == "OP-DONOR-TIME-FAMILY" and "available at once" in by["dad"].time_to_transplant
    assert by["mud"].time_knowledge_id == "OP-DONOR-TIME-UNRELATED-SEARCH" and "TIERCY2012" in by["mud"].time_citations
    assert by["cord"].time_certainty == "unverified"  # no source gives a figure: said so
    assert "UNVERIFIED" in by["dad"].time_to_transplant  # no osteopetrosis figure for family donors either


def test_unrelated_search_times_against_tiercy2012_table5(kb):
    """Tiercy 2012 Table 5: identification 54/73/83 days, search to HSCT 101/76/94 days (ranges 11-428)."""
    text = kb.get("OP-DONOR-TIME-UNRELATED-SEARCH").text
    assert "54-83 days" in text and "76-101 days" in text and "11-428" in text


def test_urgent_child_unconfirmed_unrelated_above_available_parent_is_called_out(kb):
    donors = (donor("mud", "unrelated", "10/10"), donor("dad", "father", "5/10"))
    calm = rank_donors(donors, kb, urgent=False)
    urgent = rank_donors(donors, kb, urgent=True)
    assert [d.donor_id for d in urgent] == [d.donor_id for d in calm] == ["mud", "dad"]  # hierarchy kept
    assert calm[0].warnings == []
    assert any("Speed and the published hierarchy disagree" in w and "dad" in w for w in urgent[0].warnings)


def test_no_conflict_when_the_unrelated_donor_is_confirmed_or_no_family_donor_is_ready(kb):
    confirmed = rank_donors((donor("mud", "unrelated", "10/10", availability="confirmed"),
                             donor("dad", "father", "5/10")), kb, urgent=True)
    assert confirmed[0].warnings == [] and confirmed[0].time_knowledge_id == "OP-DONOR-TIME-UNRELATED-CONFIRMED"
    only_untested_sibling = rank_donors((donor("mud", "unrelated", "10/10"), donor("sib", "sibling", "5/10")), kb,
                                        urgent=True)
    assert not any("Speed" in w for w in only_untested_sibling[0].warnings)  # the sibling is not ready either


def test_speed_conflict_reaches_the_answer_first_summary(tmp_path):
    import json

    from rarebone.report.summary import summarise
    from rarebone.workflows.assess import assess_file
    from tests.conftest import EXAMPLES

    data = json.loads((EXAMPLES / "tcirg1-infant.json").read_text())
    data["rareboneExtensions"] = {"donors": [
        {"id": "MUD", "relation": "unrelated", "hlaMatch": "10/10", "availability": "unconfirmed"},
        {"id": "sister", "relation": "sibling", "hlaMatch": "10/10"},
        {"id": "father", "relation": "father", "hlaMatch": "5/10", "carrier": True}]}
    path = tmp_path / "child.json"
    path.write_text(json.dumps(data))
    warnings = summarise(assess_file(path)).warnings
    assert any(w.startswith("Donor sister:") and SIBLING_PROMPT in w for w in warnings)
    # the sister may be affected, so the father is the first donor ready now: the registry donor is called out
    assert any(w.startswith("Donor MUD:") and "Speed" in w and "father" in w for w in warnings)
    data["rareboneExtensions"]["donors"][1]["genotype"] = "unaffected"
    path.write_text(json.dumps(data))
    warnings = summarise(assess_file(path)).warnings
    assert not any("Speed" in w or SIBLING_PROMPT in w for w in warnings)  # a genotyped sister ranks first


def test_bad_genotype_or_availability_is_one_line_naming_the_field(tmp_path):
    import json

    from tests.conftest import EXAMPLES, run_cli

    for field, value in (("genotype", "maybe"), ("availability", "soon"), ("expectedDaysToTransplant", -1)):
        data = json.loads((EXAMPLES / "tcirg1-infant.json").read_text())
        data["rareboneExtensions"] = {"donors": [{"id": "x", "relation": "sibling", field: value}]}
        path = tmp_path / "bad.json"
        path.write_text(json.dumps(data))
        r = run_cli("assess", str(path))
        assert r.returncode == 2 and r.stderr.count("\n") == 1, r.stderr
        assert f"$.rareboneExtensions.donors[0].{field}" in r.stderr and "bad.json" in r.stderr
