"""The same disease under OMIM and Orphanet ids, Orphanet groups and their OMIM subtypes (equivalence.py), the
knowledge base's curated annotations and lab-derived terms in the differential, and the thin-annotation floor."""

from __future__ import annotations

import math

import numpy as np
import pytest

from rarebone.phenotype.differential.equivalence import compatible, groups_and_members, inheritance_of, name_words
from rarebone.phenotype.differential.model import Query, rank_among, score, truth_rows, unexplained_floor
from rarebone.phenotype.differential.query import curated_annotations, equivalent_ids, parameters
from tests.phenotype.test_differential_model import A1, B, hp, params, toy_index  # noqa: F401 (params: a fixture)

AR, AD = frozenset({"HP:0000007"}), frozenset({"HP:0000006"})


def _groups(ids, names, genes, inheritance, curated=()):
    return groups_and_members(ids, names, genes, inheritance, list(curated))


def test_curated_pair_joins_two_entries_with_nothing_else_in_common():
    group, _ = _groups(["OMIM:1", "ORPHA:9"], ["alpha", "beta"], [[], []], [frozenset(), frozenset()],
                       [["OMIM:1", "ORPHA:9"]])
    assert group[0] == group[1] == 0  # the OMIM entry represents the group


def test_orphanet_entry_named_like_exactly_one_omim_entry_is_the_same_disease():
    names = ["Lysinuric protein intolerance", "Other", "Lysinuric protein intolerance"]
    group, _ = _groups(["OMIM:1", "OMIM:2", "ORPHA:9"], names, [[], [], []], [frozenset()] * 3)
    assert list(group) == [0, 1, 0]


def test_roman_and_arabic_type_numbers_name_the_same_disease_but_different_numbers_do_not():
    # OMIM writes "Gaucher disease, type I", Orphanet "Gaucher disease type 1" (hpo3 names, HPO 2025-11-24)
    names = ["Gaucher disease, type I", "Gaucher disease, type II", "Gaucher disease type 1", "Gaucher disease type 3",
             "Ichthyosis hystrix of Curth-Macklin", "Ichthyosis hystrix, Curth-Macklin type"]
    ids = ["OMIM:1", "OMIM:2", "ORPHA:9", "ORPHA:8", "ORPHA:7", "OMIM:3"]
    group, _ = _groups(ids, names, [[]] * 6, [frozenset()] * 6)
    assert group[2] == group[0] and group[3] == 3 and group[1] == 1  # type 1 = type I; type 3 matches no entry
    assert group[4] == group[5]  # word order and "of"/"type" do not part them


def test_same_gene_set_needs_compatible_inheritance_and_a_shared_name_word():
    ids = ["OMIM:1", "OMIM:2", "ORPHA:9"]
    genes = [["CLCN7"], ["CLCN7"], ["CLCN7"]]
    names = ["Osteopetrosis, autosomal dominant 2", "Osteopetrosis, autosomal recessive 4",
             "Albers-Schonberg osteopetrosis"]
    group, _ = _groups(ids, names, genes, [frozenset(), frozenset(), AD])
    assert group[2] == 0  # the dominant one: the recessive entry is ruled out by the name's inheritance
    group, _ = _groups(ids, ["Osteopetrosis, autosomal dominant 2", "Osteopetrosis 4", "Unrelated bone name"], genes,
                       [frozenset()] * 3)
    assert group[2] == 2  # no distinctive word in common: not joined


def test_orphanet_group_contains_omim_subtypes_whose_genes_it_lists():
    ids = ["OMIM:1", "OMIM:2", "OMIM:3", "ORPHA:9"]
    names = ["Osteopetrosis, autosomal recessive 1", "Osteopetrosis, autosomal dominant 2", "Deafness 7",
             "Autosomal recessive malignant osteopetrosis"]
    genes = [["TCIRG1"], ["CLCN7"], ["TCIRG1"], ["TCIRG1", "CLCN7"]]
    group, pairs = _groups(ids, names, genes, [frozenset()] * 4)
    assert [tuple(p) for p in pairs] == [(3, 0)]  # not the dominant form, not the unrelated TCIRG1 disease
    assert group[3] == 3  # a group, not the same disease as any one subtype


def test_orphanet_exact_pair_is_one_disease_only_one_to_one_and_unless_mondo_disagrees():
    ids = ["OMIM:1", "OMIM:2", "OMIM:3", "OMIM:4", "ORPHA:7", "ORPHA:8", "ORPHA:9"]
    names = ["Alpha disease", "Beta disease", "Gamma disease", "Gamma disease variant", "Another name for alpha",
             "Beta by another name", "Gamma group"]
    mapping = [("ORPHA:7", "E", "OMIM:1"), ("ORPHA:8", "E", "OMIM:2"), ("ORPHA:9", "E", "OMIM:3"),
               ("ORPHA:9", "E", "OMIM:4")]
    xrefs = [["ORPHA:8"], ["OMIM:2"]]  # the knowledge base's MONDO entries keep 8 and 2 apart
    group, _ = groups_and_members(ids, names, [[]] * 7, [frozenset()] * 7, [], mapping, exact_twins=True,
                                  containment="orphanet", xref_sets=xrefs)
    assert group[4] == group[0]  # one-to-one E: the same disease, though the names share nothing
    assert group[5] == 5  # the sources disagree: not joined
    assert group[6] == 6  # one Orphanet id exact to two OMIM entries is a grouping, not a twin
    group, _ = groups_and_members(ids, names, [[]] * 7, [frozenset()] * 7, [], mapping, exact_twins=False,
                                  containment="orphanet", xref_sets=xrefs)
    assert group[4] == 4  # the switch off: only the curated, name and gene rules join


def test_orphanet_broader_narrower_pairs_contain_and_are_never_joined_by_name():
    ids = ["OMIM:1", "OMIM:2", "ORPHA:8", "ORPHA:9"]
    names = ["Zeta syndrome", "Eta syndrome", "Zeta syndrome", "Eta syndrome due to a point mutation"]
    mapping = [("ORPHA:8", "BTNT", "OMIM:1"), ("ORPHA:9", "NTBT", "OMIM:2")]
    group, pairs = groups_and_members(ids, names, [[]] * 4, [frozenset()] * 4, [], mapping, exact_twins=True,
                                      containment="orphanet")
    assert group[2] == 2  # same name, but Orphanet says its entry is broader: a group, not the same disease
    assert sorted(tuple(p) for p in pairs) == [(1, 3), (2, 0)]  # [broader, narrower] both ways
    group, _ = groups_and_members(ids, names, [[]] * 4, [frozenset()] * 4, [], mapping, containment="genes")
    assert group[2] == 0  # the older rules alone join them by name


def test_inheritance_from_the_name_wins_and_unknown_is_compatible():
    assert inheritance_of("Osteopetrosis, autosomal recessive 4", AD) == AR
    assert inheritance_of("Albers-Schonberg osteopetrosis", AD) == AD
    assert compatible(AR, frozenset()) and not compatible(AR, AD)
    assert "osteopetrosis" in name_words("Autosomal recessive malignant osteopetrosis")
    assert "syndrome" not in name_words("Majeed syndrome")


def test_truth_rows_expand_an_orphanet_group_to_its_members_only_when_asked(params):
    index = toy_index([[(A1, 0.8)], [(B, 0.8)], [(A1, 0.8)]])
    object.__setattr__(index, "disease_ids", ["OMIM:100000", "OMIM:100001", "ORPHA:9"])
    object.__setattr__(index, "member_pairs", np.asarray([[2, 0]], dtype=np.int32))
    assert truth_rows(index, {"ORPHA:9"}) == [2]
    assert truth_rows(index, {"ORPHA:9"}, contained=True) == [2, 0]
    assert truth_rows(index, {"OMIM:100000"}, contained=True) == [0]  # a subtype never stands for its group
    # an OMIM key broader than an Orphanet entry (Orphanet NTBT) stands for it; the narrower key never for the OMIM one
    object.__setattr__(index, "member_pairs", np.asarray([[0, 2]], dtype=np.int32))
    assert truth_rows(index, {"OMIM:100000"}, contained=True) == [0, 2]
    assert truth_rows(index, {"ORPHA:9"}, contained=True) == [2]
    total = score(index, Query(observed=(hp(B),)), dict(params, unrecorded_rate=0.0)).total
    assert rank_among(index, total, [2]) == 3 and rank_among(index, total, [2, 0]) == 3  # ties against the answer
    total = score(index, Query(observed=(hp(A1),)), dict(params, unrecorded_rate=0.0)).total
    assert rank_among(index, total, [2, 0]) == 2


def test_merged_group_is_ranked_once_at_its_best_member(params):
    index = toy_index([[(A1, 0.8)], [(A1, 0.4)], [(B, 0.8)]])
    object.__setattr__(index, "disease_group", np.asarray([0, 0, 2], dtype=np.int32))
    total = score(index, Query(observed=(hp(A1),)), dict(params, unrecorded_rate=0.0)).total
    assert rank_among(index, total, [1]) == 1  # the weaker entry of the same disease shares its group's rank


def test_thin_annotation_floor_rises_with_the_pseudocount(params):
    # disease 0 has 1 annotation, disease 1 has 3: floor + (1 - floor) k / (n + k)
    index = toy_index([[(A1, 0.8)], [(A1, 0.8), (B, 0.5), (A1, 0.5)]])
    f = params["unexplained_floor_lr"]
    off = unexplained_floor(index, dict(params, thin_pseudocount=0.0))
    on = unexplained_floor(index, dict(params, thin_pseudocount=2.0))
    assert np.allclose(off, math.log(f))
    assert math.isclose(on[0], math.log(f + (1 - f) * 2 / 3)) and math.isclose(on[1], math.log(f + (1 - f) * 2 / 5))


def test_curated_cno_annotations_come_from_the_knowledge_base_concept_sets(kb):
    curated = curated_annotations(kb)
    pain, lesion = kb.get("CNO-HPO-PAIN").terms, kb.get("CNO-HPO-LESION").terms
    assert set(curated) == set(kb.get("DDX-CURATED-CNO").values["disease_ids"].split())
    for terms in curated.values():
        assert set(pain) <= set(terms) and set(lesion) <= set(terms)
        assert "HP:0000889" in terms  # clavicle: a site the knowledge base reads as a lesion beside pain
        assert "HP:0002823" not in terms  # femur: a site, but not flagged so


def test_knowledge_base_pairs_are_one_omim_and_one_orphanet_id(kb):
    pairs = equivalent_ids(kb)
    assert ["OMIM:166600", "ORPHA:53"] in pairs  # ADO2 = Albers-Schonberg (MONDO exact match, disease_xrefs.yaml)
    assert all(a.startswith("OMIM:") and b.startswith("ORPHA:") for a, b in pairs)
    assert not any("OMIM:300301" in p for p in pairs)  # OL-EDA-ID: a secondary cross-reference, not an identity


@pytest.fixture(scope="module")
def real_index(kb):
    from rarebone.phenotype.differential import load_index

    return load_index(parameters(kb))


def test_real_index_merges_ado2_and_contains_aro_subtypes(real_index):
    ids = real_index.disease_ids
    omim, orpha = ids.index("OMIM:166600"), ids.index("ORPHA:53")
    assert real_index.disease_group[omim] == real_index.disease_group[orpha]
    aro = ids.index("ORPHA:667")
    members = {ids[m] for o, m in real_index.member_pairs if o == aro}
    assert "OMIM:259700" in members and "OMIM:166600" not in members  # TCIRG1 ARO1 in; dominant ADO2 out
    crmo = ids.index("OMIM:259680")
    limb_pain = real_index.row("HP:0009763")
    assert limb_pain in [r for r, _ in real_index.top_features[crmo]]  # curated (DDX-CURATED-CNO)


def test_lab_values_outside_the_reference_range_reach_the_differential(kb):
    # tcirg1-infant records haemoglobin 79 g/L (reference low 95) and platelets 62 (reference low 150) but not the
    # terms Anemia / Thrombocytopenia themselves: the differential must use them, as the assessment does
    from rarebone.intake import read_phenopacket
    from rarebone.workflows.differential import differential_for
    from tests.conftest import EXAMPLES

    patient = read_phenopacket(EXAMPLES / "tcirg1-infant.json").patient
    stated = {f.hpo_id for f in patient.features}
    assert "HP:0001903" not in stated and "HP:0001873" not in stated
    result = differential_for(patient, top=1, kb=kb)
    assert result.terms_used == len(stated) + 2
    matched = {m.term_id for m in result.diseases[0].matched}
    assert {"HP:0001903", "HP:0001873"} <= matched


def test_series_stem_follows_omim_numbering_and_joins_a_whole_series():
    from rarebone.phenotype.differential.equivalence import series_groups, series_stem

    assert series_stem("Osteopetrosis, autosomal recessive 4") == "osteopetrosis, autosomal recessive"
    assert series_stem("Ciliary dyskinesia, primary, 12") == "ciliary dyskinesia, primary"
    assert series_stem("Majeed syndrome") is None and series_stem("Hypophosphatasia, infantile") is None
    ids = ["OMIM:1", "OMIM:2", "OMIM:3", "ORPHA:9"]
    names = ["Osteopetrosis, autosomal recessive 1", "Osteopetrosis, autosomal recessive 4",
             "Osteopetrosis, autosomal dominant 2", "Albers-Schonberg osteopetrosis"]
    series = series_groups(ids, names, np.asarray([0, 1, 2, 2], dtype=np.int32))
    assert series[0] == series[1] != series[2]  # one recessive series; a lone dominant entry is no series
    assert series[3] == series[2]  # the Orphanet twin stays with its OMIM entry


def test_a_mondo_key_is_matched_through_the_knowledge_base_cross_references(kb):
    from rarebone.knowledge._diseases import disease_index_for
    from rarebone.validation.differential_eval import _indexable

    xrefs = disease_index_for(kb)
    # ADO2: MONDO:0008156 = OMIM 166600 = Orphanet 53 (disease_xrefs.yaml, MONDO exact matches)
    assert _indexable({"MONDO:0008156"}, xrefs) == {"MONDO:0008156", "OMIM:166600", "ORPHA:53"}
    assert _indexable({"MONDO:0009412"}, xrefs) == {"MONDO:0009412"}  # scurvy: not cross-referenced, not indexed


def test_same_gene_line_counts_an_allelic_entry_but_the_headline_does_not():
    # op-jcrpe2019 is keyed ADO2 (OMIM 166600, CLCN7); OPTB4 (OMIM 611490) is also CLCN7 but in another OMIM
    # series: the same-gene-or-series line may count it, the headline and the series line never do.
    from rarebone.validation.differential_eval import evaluate, read_key
    from tests.conftest import ROOT

    real = ROOT / "tests" / "data" / "real-cases"
    report = evaluate([real / "osteopetrosis" / "op-jcrpe2019-p1.json"], key=read_key([real / "keys"]))
    (case,) = report["results"]
    assert case["truth"] == ["OMIM:166600"]
    assert case["related_rank"] <= case["series_rank"] <= case["rank"]
    assert case["related_rank"] < case["series_rank"]  # the allelic CLCN7 entry ranks above every ADO2 line


def test_real_index_containment_is_orphanet_own_broader_narrower_mapping(real_index):
    from rarebone.phenotype.differential.index import orphanet_mapping

    ids = real_index.disease_ids
    broader = {(o, m) for o, code, m in orphanet_mapping() if code == "BTNT"}
    narrower = {(o, m) for o, code, m in orphanet_mapping() if code == "NTBT"}
    pairs = {(ids[a], ids[b]) for a, b in real_index.member_pairs}
    assert pairs and all(p in broader or (p[1], p[0]) in narrower for p in pairs)  # no gene-rule pair
    # ORPHA:667 contains OPTB1 (Orphanet BTNT); OPTB5 (OSTM1) is not mapped by Orphanet to 667
    assert ("ORPHA:667", "OMIM:259700") in pairs and ("ORPHA:667", "OMIM:259720") not in pairs


def test_real_index_joins_orphanet_exact_twins_but_not_where_mondo_disagrees(real_index):
    ids = real_index.disease_ids
    group = real_index.disease_group

    def same(a, b):
        return group[ids.index(a)] == group[ids.index(b)]

    assert same("ORPHA:79318", "OMIM:212065")  # PMM2-CDG = CDG type Ia: Orphanet E, names share no word
    # Orphanet E maps CNO (324964) to CRMO3 (259680); MONDO keeps them apart (DX-CNO, DX-CRMO3): not joined
    assert not same("ORPHA:324964", "OMIM:259680")
    assert same("ORPHA:210110", "OMIM:611497")  # intermediate osteopetrosis = OPTB6 (MONDO and Orphanet E)
