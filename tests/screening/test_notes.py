"""NOTE_NLP as an evidence source (screen-notes): which NLP terms are findings, per the OMOP CDM v5.4 field-level
specification of NOTE_NLP (OHDSI/CommonDataModel inst/csv/OMOP_CDMv5.4_Field_Level.csv; source
OMOP-CDM-V54-NOTE-NLP): term_exists 'N' (negation, another subject, conditional, rule-out, very low certainty) is
not a finding; term_temporal 'past' is not a finding on the note's date; term_modifiers saying so are honoured
even when term_exists is empty. The persons are planted in scenarios.py (100-109)."""

from __future__ import annotations

import json

import pandas as pd
import pytest
import scenarios
from cdm_builder import to_duckdb

pytest.importorskip("ibis")

INTERMEDIATE = {"osteopetrosis_intermediate"}
INTERMEDIATE_REVIEW = {"osteopetrosis_intermediate_review"}


@pytest.fixture(scope="module")
def frames():
    cdm, expected = scenarios.build()
    return cdm.frames(), expected


def screen(frames, tmp_path, **kwargs):
    from rarebone.screening import run_screen

    return run_screen(to_duckdb(frames, tmp_path / "cdm.duckdb"), progress=False, **kwargs)


@pytest.fixture(scope="module")
def result(frames, tmp_path_factory):
    return screen(frames[0], tmp_path_factory.mktemp("notes"))


def flags(result) -> dict[int, set[str]]:
    out: dict[int, set[str]] = {}
    for p, f in zip(result.flagged.person_id, result.flagged.family):
        out.setdefault(int(p), set()).add(f)
    return out


def row(result, pid):
    return result.flagged[result.flagged.person_id == pid].iloc[0]


def test_asserted_dense_bone_term_is_the_hallmark_against_omop_cdm_v54(result):
    # term_exists Y, term_temporal present: a finding; with the coded anaemia that corroborates it (screen-corrob)
    # the radiological hallmark is 'moderate' (OP-SUSPICION-LEVELS), as coded
    assert flags(result).get(100) == INTERMEDIATE
    assert row(result, 100).level == "moderate"
    assert result.note_nlp.endswith("rows read")


def test_term_exists_n_is_not_a_finding_against_omop_cdm_v54(result):
    assert 101 not in flags(result)  # "no sclerotic lesion", term_exists N


def test_hypothetical_modifier_is_not_a_finding_against_omop_cdm_v54(result):
    assert 102 not in flags(result)  # term_exists empty, term_modifiers is_hypothetical=True (MedSpaCy style)


def test_family_subject_is_not_a_finding_against_omop_cdm_v54(result):
    assert 103 not in flags(result)  # Subject=family_member even with term_exists Y


def test_past_term_temporal_is_not_a_finding_against_omop_cdm_v54(result):
    assert 104 not in flags(result)


def test_rule_out_is_not_a_finding_and_false_modifiers_do_not_negate_against_omop_cdm_v54(result):
    assert 106 not in flags(result)  # "Rule_out = true" (spaces as some pipelines write them)
    assert flags(result).get(108) == INTERMEDIATE  # "Negation = false, ..." and term_exists 'y' (lower case)


def test_source_concept_is_read_when_the_standard_one_is_0(result):
    assert flags(result).get(105) == INTERMEDIATE


def test_sets_without_the_note_nlp_domain_do_not_read_notes(result):
    # an 'anaemia' term in a note + a coded pathological fracture would be two domains (the intermediate review
    # list) if SCREEN-SET-ANEMIA read notes; it does not (concept_sets.yaml: laboratory findings come from values)
    assert 109 not in flags(result)


def test_note_only_hallmark_on_two_dates_is_the_main_list_hallmark(result):
    # SCREEN-NOTE-CORROBORATION: asserted on min_note_days (2) distinct dates within the 365-day window (the second
    # on the window's last day): the hallmark, level moderate on the main list (OP-SUSPICION-LEVELS), as if coded
    assert flags(result).get(110) == INTERMEDIATE
    assert row(result, 110).level == "moderate"
    assert 111 not in flags(result)  # two reports on one date are one date
    assert 113 not in flags(result)  # the second date one day beyond the window


def test_note_only_hallmark_with_a_coded_red_flag_is_the_main_list_hallmark(result):
    assert flags(result).get(112) == INTERMEDIATE  # a coded anaemia on the window's last day
    assert 115 not in flags(result)  # the coded anaemia one day beyond the window
    assert flags(result).get(116) == INTERMEDIATE  # the hallmark coded: the rule does not touch coded rows
    assert "NLP-only rows count when corroborated (SCREEN-NOTE-CORROBORATION)" in row(result, 112).evidence


def test_note_derived_red_flag_does_not_corroborate_but_the_review_list_reads_both(result):
    # dense bone and a pathological fracture from the same note: not the main list (no coded fact); the review
    # list reads both like any finding (two domains, OP-SUSPICION-LEVELS) and stays at level low
    assert flags(result).get(114) == INTERMEDIATE_REVIEW
    assert row(result, 114).level == "low"


def test_note_only_hallmark_in_an_infant(result):
    # infants: one report alone -> not listed (the infant review list needs repeated low counts); with a low
    # haemoglobin (a coded laboratory red flag) on the 90-day window's last day -> the infant main list
    assert 117 not in flags(result)
    assert flags(result).get(118) == {"osteopetrosis"}


def _listing_uncorroborated_for_review():
    """The site option of families.yaml: `note_corroboration` on the osteopetrosis review lists too (every
    uncorroborated NLP-only hallmark listed for review), built here from the shipped rules."""
    import dataclasses

    from rarebone.screening.rules import load_rules

    rules = load_rules()
    main = {f.family: f for f in rules.families}
    fams = tuple(dataclasses.replace(f, note_sets=main[f.review_of].note_sets, note_min_days=main[f.review_of].note_min_days,
                                     note_rule=main[f.review_of].note_rule)
                 if f.review_of in main and main[f.review_of].note_sets else f for f in rules.families)
    return dataclasses.replace(rules, families=fams)


def test_option_lists_every_uncorroborated_term_for_review(frames, tmp_path, result):
    from rarebone.screening import run_screen
    from rarebone.screening.pandas_reference import screen_person

    rules = _listing_uncorroborated_for_review()
    opt = run_screen(to_duckdb(frames[0], tmp_path / "cdm.duckdb"), progress=False, rules=rules)
    got = flags(opt)
    for pid in (111, 113, 114, 115):
        assert got.get(pid) == INTERMEDIATE_REVIEW, pid
    assert got.get(117) == {"osteopetrosis_review"}  # no repeat of low counts needed for a note term
    assert row(opt, 117).level == "low"
    assert "NLP-only, not corroborated (SCREEN-NOTE-CORROBORATION): review" in row(opt, 111).evidence
    # everything else as shipped (the option adds review rows, it takes nothing from the main lists)
    added = {111, 113, 115, 117}
    assert {p: f for p, f in got.items() if p not in added} == {p: f for p, f in flags(result).items() if p not in added}
    # the per-person pandas loop agrees under the option too
    tables = frames[0]
    loop = {}
    for pid in frames[1]:
        own = {k: (v[v.person_id == pid] if "person_id" in v.columns else v) for k, v in tables.items()}
        fams = set(screen_person(own, pid, rules=rules))
        if fams:
            loop[pid] = fams
    assert loop == got


def test_evidence_names_the_note_and_escapes_the_lexical_variant(result, frames):
    ev = row(result, 100).evidence
    notes = frames[0]["note"]
    nid = int(notes[notes.person_id == 100].note_id.iloc[0])
    day = str(scenarios.days(scenarios.D(2012, 6, 1), 2000))  # the note_date planted in scenarios.py
    assert f"1 note_nlp row(s) {day}, concept" in ev
    assert f'from NLP of note {nid} {day} "diffusely increased bone density"' in ev
    items = json.loads(row(result, 100).evidence_json)
    note_item = next(i for i in items if i["source"] == "note_nlp")
    assert note_item["notes"] == [{"note_id": nid, "date": day,
                                   "lexical_variant": "diffusely increased bone density"}]
    tricky = row(result, 107).evidence
    assert '"bone \\"marble\\"; dense\\nsee <b>film</b>"' in tricky  # quotes and the line break escaped
    assert "\n" not in tricky


def test_html_summary_escapes_the_lexical_variant(result):
    from rarebone.screening.output import summary_html

    page = summary_html(result, "decision support", "UNVERIFIED")
    assert "<b>film</b>" not in page and "&lt;b&gt;film&lt;/b&gt;" in page
    assert "NOTE_NLP: " in page and "rows read" in page


def test_absent_note_tables_screen_as_before(frames, tmp_path, result):
    f, expected = frames
    without = {k: v for k, v in f.items() if k not in ("note", "note_nlp")}
    res = screen(without, tmp_path)
    assert res.note_nlp == "absent" and {"note", "note_nlp"} <= set(res.missing_tables)
    got = flags(res)
    note_positive = {100, 105, 107, 108, 110, 112, 114, 118}
    assert {p: got.get(p, set()) for p in expected if p not in note_positive} == {
        p: e for p, e in expected.items() if p not in note_positive}
    assert not note_positive & set(got)
    # the same screen with the tables present but switched off gives the same rows
    (tmp_path / "off").mkdir()
    off = screen(f, tmp_path / "off", read_notes=False)
    assert off.note_nlp.startswith("not read")
    assert off.flagged.drop(columns="evidence_json").equals(res.flagged.drop(columns="evidence_json"))


def test_empty_note_nlp_says_empty(frames, tmp_path):
    f = {k: v.copy() for k, v in frames[0].items()}
    f["note_nlp"] = f["note_nlp"].iloc[0:0]
    res = screen(f, tmp_path)
    assert res.note_nlp == "empty"
    assert 100 not in flags(res)


def test_pandas_and_ibis_read_the_same_modifiers():
    import ibis

    from rarebone.screening import notes

    frame = pd.DataFrame({
        "term_exists": ["Y", "N", None, "n", "F", "0", "y", None, None, None, None, "", None],
        "term_temporal": ["present", None, "Past", None, None, None, "present", "history", None, None, None, None, " "],
        "term_modifiers": [None, None, None, "Negation=true", None, None, "negation: TRUE", None,
                           "Subject=patient, Conditional=false", "subject = mother", "Uncertain=very low",
                           "is_family=True", "experiencer=patient"],
    }).astype("string")
    expected = [True, False, False, False, False, False, False, False, True, False, False, False, True]
    assert notes.asserted_pandas(frame).tolist() == expected
    from rarebone.screening import duckdb_compat

    con = ibis.duckdb.connect()
    duckdb_compat.patch(con)  # as the screen opens DuckDB (fetch_arrow_table renamed in DuckDB 2)
    t = con.create_table("nn", frame)
    got = t.mutate(ok=notes.asserted(t)).to_pandas().ok.tolist()
    assert got == expected
