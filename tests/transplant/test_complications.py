"""Issue 10, monitor side: TA-TMA (harmonised 2023 / Jodele 2014), AIHA (working definition, DAT sorting), CMV
against the centre threshold, pulmonary haemorrhage, chimerism and aGVHD decision support. Each threshold is
tested on both sides against its published value (clinical-reference-safety sections 2-6)."""

import json
from pathlib import Path

import pytest

from rarebone.cli import main
from rarebone.transplant import cmv, decisions, haemolysis, tma
from rarebone.transplant.labs import Labs

EX = Path(__file__).resolve().parents[2] / "examples" / "transplant"


def labs(**series) -> Labs:
    out = Labs(settings={"tmaCriteria": "harmonised2023"})
    for key, values in series.items():
        for day, value in values.items():
            if key in ("dat", "schistocytes"):
                out.terms.setdefault(key, {})[day] = value
            elif isinstance(value, tuple):  # (value, upper limit)
                out.add(key, day, value[0], None, value[1], "")
            else:
                out.values.setdefault(key, {})[day] = value
    return out


def criterion(kb, lab, day, name, version="harmonised2023", platelet_day=None):
    tp = tma.time_point(kb, lab, day, version, platelet_day, set())
    return next(c for c in tp.criteria if c.name == name)


# --- TA-TMA, harmonised criteria (Schoettler 2023) ---

@pytest.mark.parametrize("ldh,status", [(300.0, "not_met"), (300.5, "met")])
def test_tma_ldh_above_uln_against_schoettler2023(kb, ldh, status):
    assert criterion(kb, labs(ldh={10: (ldh, 300.0)}), 10, "LDH above ULN").status == status


def test_tma_ldh_without_uln_is_not_assessed_against_schoettler2023(kb):
    c = criterion(kb, labs(ldh={10: 900.0}), 10, "LDH above ULN")
    assert c.status == "not_assessed" and "ldhUpperLimitUL" in c.detail


@pytest.mark.parametrize("upcr,status", [(0.99, "not_met"), (1.0, "met")])
def test_tma_proteinuria_upcr_against_schoettler2023(kb, upcr, status):
    assert criterion(kb, labs(urine_protein_creatinine={5: upcr}), 5, "proteinuria").status == status


@pytest.mark.parametrize("mg_dl,status", [(29.9, "not_met"), (30.0, "met")])
def test_tma_proteinuria_dipstick_against_jodele2014(kb, mg_dl, status):
    lab = labs(urine_protein={5: mg_dl})
    assert criterion(kb, lab, 5, "proteinuria", "jodele2014").status == status
    # the harmonised criteria need a UPCR: a dipstick alone is not assessed, and the Jodele reading is shown
    c = criterion(kb, lab, 5, "proteinuria")
    assert c.status == "not_assessed" and "Jodele 2014 item" in c.detail


@pytest.mark.parametrize("centile,harmonised,jodele", [(94.9, "not_met", "not_met"), (95.0, "not_met", "met"),
                                                       (99.0, "not_met", "met"), (99.1, "met", "met")])
def test_tma_hypertension_centile_against_schoettler2023_and_jodele2014(kb, centile, harmonised, jodele):
    lab = labs()
    lab.findings = {3: {"bpCentile": centile}}
    assert criterion(kb, lab, 3, "hypertension").status == harmonised  # > 99th centile
    assert criterion(kb, lab, 3, "hypertension", "jodele2014").status == jodele  # >= 95th centile


@pytest.mark.parametrize("sbp,dbp,status", [(139, 89, "not_met"), (140, 80, "met"), (120, 90, "met")])
def test_tma_hypertension_adult_against_schoettler2023(kb, sbp, dbp, status):
    lab = labs(bp_systolic={3: sbp}, bp_diastolic={3: dbp})
    lab.age_days_day0 = 18 * 365.25  # 18 years at day 0: the >= 140/90 mmHg rule
    assert criterion(kb, lab, 3, "hypertension").status == status
    lab.age_days_day0 = 17 * 365.25  # a child: a centile is needed, never the adult cut-off
    assert criterion(kb, lab, 3, "hypertension").status == "not_assessed"


@pytest.mark.parametrize("sc5b9,status", [(243.9, "not_met"), (244.0, "met")])
def test_tma_sc5b9_at_uln_against_schoettler2023(kb, sc5b9, status):
    assert criterion(kb, labs(sc5b9={8: (sc5b9, 244.0)}), 8, "sC5b-9 at or above ULN").status == status


@pytest.mark.parametrize("hb,status", [(91, "not_met"), (90, "met")])
def test_tma_anaemia_fall_of_1_g_dl_against_schoettler2023(kb, hb, status):
    lab = labs(hemoglobin={20: 100, 25: hb}, ldh={25: (400.0, 300.0)})
    assert criterion(kb, lab, 25, "anaemia").status == status


def test_tma_anaemia_not_counted_while_aiha_not_excluded_against_schoettler2023(kb):
    lab = labs(hemoglobin={20: 100, 25: 80})
    tp = tma.time_point(kb, lab, 25, "harmonised2023", None, {25})
    assert next(c for c in tp.criteria if c.name == "anaemia").status == "not_counted"


@pytest.mark.parametrize("plt,status", [(51, "not_met"), (50, "met")])
def test_tma_platelet_fall_of_50_pct_against_schoettler2023(kb, plt, status):
    lab = labs(platelets={20: 100, 30: plt})
    assert criterion(kb, lab, 30, "thrombocytopenia", platelet_day=20).status == status
    assert criterion(kb, lab, 30, "thrombocytopenia", platelet_day=None).status == "met"  # not engrafted


def _four(day):
    return {"ldh": {day: (900.0, 300.0)}, "schistocytes": {day: "present"}, "urine_protein_creatinine": {day: 2.0},
            "sc5b9": {day: (400.0, 244.0)}}


def _merge(*parts):
    out = {}
    for part in parts:
        for k, v in part.items():
            out.setdefault(k, {}).update(v)
    return out


@pytest.mark.parametrize("second,met", [(54, True), (55, False)])
def test_tma_two_time_points_within_14_days_against_schoettler2023(kb, second, met):
    lab = labs(**_merge(_four(40), _four(second)))
    r = tma.assess(kb, lab, version="harmonised2023", platelet_engraftment_day=None, aiha_days=set(),
                   agvhd_grade_ii_plus=False, infection=False)
    assert r.met is met
    if met:
        assert r.diagnosis_days == (40, second) and "LDH >= 2 x ULN" in r.high_risk and "sC5b-9 >= ULN" in r.high_risk


def test_tma_three_criteria_twice_is_not_tma_against_schoettler2023(kb):
    parts = [_four(40), _four(45)]
    for p in parts:
        p.pop("sc5b9")
    r = tma.assess(kb, labs(**_merge(*parts)), version="harmonised2023", platelet_engraftment_day=0,
                   aiha_days=set(), agvhd_grade_ii_plus=False, infection=False)
    assert not r.met and r.best.count == 3


def test_tma_time_points_never_share_a_value(kb):
    # day 41 has only a blood pressure: it must not reuse day 40's LDH, film, UPCR, sC5b-9 to make a second point
    lab = labs(**_four(40))
    lab.findings = {41: {"bpCentile": 99.9}}
    r = tma.assess(kb, lab, version="harmonised2023", platelet_engraftment_day=None, aiha_days=set(),
                   agvhd_grade_ii_plus=False, infection=False)
    assert not r.met


# --- AIHA (working definition UNVERIFIED; Chang 2016: a third DAT-negative) ---

def _haemolysis(hb_after, dat=None):
    series = dict(hemoglobin={30: 100, 35: hb_after}, ldh={35: (600.0, 300.0)},
                  reticulocytes_pct={35: (6.0, 2.5)})
    if dat:
        series["dat"] = {36: dat}
    return labs(**series)


@pytest.mark.parametrize("hb,episode", [(91, False), (90, True)])
def test_aiha_haemoglobin_fall_against_working_definition(kb, hb, episode):
    assert (haemolysis.assess(kb, _haemolysis(hb)).first is not None) is episode


@pytest.mark.parametrize("dat,status", [("positive", "aiha_suspected"), ("negative", "dat_negative"),
                                        (None, "dat_needed")])
def test_aiha_dat_sorts_but_never_excludes_against_chang2016(kb, dat, status):
    assert haemolysis.assess(kb, _haemolysis(80, dat)).first.status == status


def test_aiha_needs_two_haemolysis_markers_against_working_definition(kb):
    lab = labs(hemoglobin={30: 100, 35: 80}, ldh={35: (600.0, 300.0)}, dat={35: "positive"})
    r = haemolysis.assess(kb, lab)
    assert r.first is None and r.positive_dat_days == (35,)  # a positive DAT alone is not AIHA


# --- CMV (no consensus threshold; centre setting) ---

@pytest.mark.parametrize("value,status", [(999.0, "below_centre"), (1000.0, "at_or_above_centre")])
def test_cmv_centre_threshold_both_sides(kb, value, status):
    lab = labs(cmv_iu={21: value})
    lab.settings["cmvThreshold"] = {"value": 1000, "unit": "IU/mL"}
    assert cmv.assess(kb, lab).points[0].status == status


@pytest.mark.parametrize("value,status", [(99.0, "below_review_range"), (100.0, "within_review_range"),
                                          (999.0, "within_review_range"), (1000.0, "above_review_range")])
def test_cmv_without_centre_threshold_uses_review_range_against_cmv_review_2024(kb, value, status):
    r = cmv.assess(kb, labs(cmv_iu={21: value}))
    assert r.points[0].status == status and r.first_trigger is None  # no alert without the centre's value


def test_cmv_copies_never_compared_with_iu(kb):
    lab = labs(cmv_copies={21: 50000.0})
    lab.settings["cmvThreshold"] = {"value": 1000, "unit": "IU/mL"}
    assert cmv.assess(kb, lab).points[0].status == "not_comparable"


# --- decision support ---

@pytest.mark.parametrize("pct,text", [(29.9, "below 30%: DLI response 61.1%"), (30.0, "at or above 30%: DLI response 94.1%")])
def test_chimerism_options_dli_split_against_umeda2016(kb, pct, text):
    o = decisions.chimerism_options(kb, pct, 56, "falling", False)
    assert text in o.text and "CD34" in o.text and "UNVERIFIED" in o.text


@pytest.mark.parametrize("organs,lower", [({"liver": 0, "lower_gi": 0}, True), ({"liver": None, "lower_gi": 1}, False)])
def test_agvhd_grade_ii_first_line_against_penack2020(kb, organs, lower):
    o = decisions.agvhd_first_line(kb, "II", 30, organs)
    assert ("lower steroid dose" in o.text) is lower and "UNVERIFIED" in o.text and "outside its scope" in o.text


# --- end to end on the examples ---

def run_json(capsys, path):
    main(["monitor", str(path), "--format", "json"])
    return json.loads(capsys.readouterr().out)


def test_example_late_engraftment_is_not_graft_failure_against_s1(capsys):
    r = run_json(capsys, EX / "late-engraftment-donor-chimerism.json")
    assert r["neutrophil_engraftment_day"] == 36 and r["graft_failure"]["status"] == "late_engraftment"
    assert not any("graft failure:" in a["text"].lower() and a["level"] == "alert" for a in r["alerts"])


def test_example_tma_aiha_course(capsys):
    r = run_json(capsys, EX / "tma-aiha-course.json")
    assert r["aiha"]["episodes"][0]["study_day"] == 39 and r["aiha"]["episodes"][0]["status"] == "aiha_suspected"
    assert r["ta_tma"]["met"] and r["ta_tma"]["diagnosis_days"] == [60, 63]
    assert r["ta_tma"]["criteria_version"] == "harmonised2023"
    assert r["cmv"]["points"] and any("CMV DNAemia: 1800 IU/mL on day +42" in a["text"] for a in r["alerts"])
    assert r["pulmonary_haemorrhage"]["events"][0]["study_day"] == 66
    assert {d["topic"] for d in r["decision_support"]} == {"chimerism", "acute GVHD"}
    main(["monitor", str(EX / "tma-aiha-course.json"), "--format", "html"])
    html = capsys.readouterr().out
    assert "TA-TMA criteria by time point" in html and "Decision support" in html and "data:image/png" in html


def test_bad_extension_setting_names_the_path(capsys, tmp_path):
    data = json.loads((EX / "tma-aiha-course.json").read_text())
    data["rareboneExtensions"]["transplant"]["settings"]["cmvThreshold"]["unit"] = "log IU/mL"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(data))
    with pytest.raises(SystemExit) as exit_:
        main(["monitor", str(bad)])
    err = capsys.readouterr().err
    assert exit_.value.code == 2 and "settings.cmvThreshold.unit" in err and "log IU/mL" in err and "Traceback" not in err


def test_tma_transfusion_anaemia_not_counted_while_aiha_not_excluded_against_schoettler2023(kb):
    lab = labs(hemoglobin={39: 78})
    lab.findings = {39: {"redCellTransfusion": True}}
    assert tma.time_point(kb, lab, 39, "harmonised2023", None, {40}).criteria[0].status == "not_counted"
    assert tma.time_point(kb, lab, 39, "harmonised2023", None, set()).criteria[0].status == "met"


@pytest.mark.parametrize("value,words", [(999.0, "is within the review's range"),
                                         (1000.0, "is at or above the upper end (1000 IU/mL) of the review's range")])
def test_cmv_warning_words_at_the_review_range_top_against_cmv_review_2024(capsys, tmp_path, value, words):
    # review10: 1000 IU/mL is the top of the 100-1,000 IU/mL range, not "above the range"
    data = json.loads((EX / "tma-aiha-course.json").read_text())
    del data["rareboneExtensions"]["transplant"]["settings"]["cmvThreshold"]
    cmv_rows = [m for m in data["measurements"] if m["assay"]["id"] == "LOINC:72493-0"]
    data["measurements"] = [m for m in data["measurements"] if m["assay"]["id"] != "LOINC:72493-0"] + cmv_rows[:1]
    cmv_rows[0]["value"]["quantity"]["value"] = value
    path = tmp_path / "cmv.json"
    path.write_text(json.dumps(data))
    texts = [a["text"] for a in run_json(capsys, path)["alerts"] if a["text"].startswith("CMV DNAemia")]
    assert len(texts) == 1 and words in texts[0] and "above the range" not in texts[0]


def test_positive_dat_without_episode_names_what_is_missing_against_working_definition(capsys, tmp_path):
    # review10: a positive DAT with a fall of < 10 g/L must not read "without ... haemolysis markers" when the
    # markers are there: the text names the working definition's two conditions
    data = json.loads((EX / "tma-aiha-course.json").read_text())
    for m in data["measurements"]:
        if m["assay"]["id"] == "LOINC:718-7":
            m["value"]["quantity"]["value"] = 95  # flat haemoglobin: no fall at all
    path = tmp_path / "dat.json"
    path.write_text(json.dumps(data))
    texts = [a["text"] for a in run_json(capsys, path)["alerts"] if a["text"].startswith("DAT positive")]
    assert texts and "no haemoglobin fall of >= 10 g/L together with >= 2 haemolysis markers" in texts[0]
