"""MAGIC aGVHD stage boundaries both sides, grade patterns, NIH 2014 cGVHD, VOD criteria both sides,
hypercalcaemia threshold (reference A6/A7)."""

import pytest

from rarebone.transplant.calcium import hypercalcaemia
from rarebone.transplant.gvhd import (
    liver_stage, lower_gi_stage, magic_grade, nih_global_severity, skin_stage, upper_gi_stage,
)
from rarebone.transplant.vod import LiverObs, ebmt_paediatric, modified_seattle


@pytest.mark.parametrize("pct,desq,stage", [(0, 0, 0), (0.1, 0, 1), (24.9, 0, 1), (25, 0, 2), (50, 0, 2),
                                            (50.1, 0, 3), (60, 5, 3), (60, 5.1, 4), (50, 10, 2)])
def test_skin_stage_against_magic_harris2016(kb, pct, desq, stage):
    assert skin_stage(kb, pct, desq) == stage


@pytest.mark.parametrize("mg_dl,stage", [(1.99, 0), (2.0, 1), (3.0, 1), (3.01, 2), (3.05, 2), (6.0, 2), (6.01, 3),
                                         (15.0, 3), (15.01, 4)])
def test_liver_stage_against_magic_harris2016(kb, mg_dl, stage):
    assert liver_stage(kb, mg_dl) == stage


@pytest.mark.parametrize("ml_day,kg,stage", [
    (99, 10, 0), (100, 10, 1),      # 9.9 / 10.0 mL/kg/day
    (199, 10, 1), (200, 10, 2),     # 19.9 / 20.0
    (300, 10, 2), (301, 10, 3),     # 30.0 / 30.1
    (499, 50, 0), (500, 50, 1),     # exactly 50 kg is child: 9.98 / 10.0 mL/kg/day
    (499, 50.01, 0), (500, 50.01, 1), (999, 60, 1), (1000, 60, 2), (1500, 60, 2), (1501, 60, 3),  # adult mL/day
])
def test_lower_gi_stage_against_magic_child_and_adult(kb, ml_day, kg, stage):
    assert lower_gi_stage(kb, ml_day, kg) == stage


def test_lower_gi_child_adult_cut_both_sides(kb):
    # 1400 mL/day: child at 50 kg = 28 mL/kg/day -> 2; adult at 50.01 kg: 1000-1500 -> 2; 1600: child 32 -> 3, adult > 1500 -> 3
    assert lower_gi_stage(kb, 1400, 50) == 2 and lower_gi_stage(kb, 1400, 50.01) == 2
    # 900 mL/day: child 18 mL/kg/day -> 1; adult 500-999 -> 1; 1000 at 50 kg child 20 -> 2
    assert lower_gi_stage(kb, 1000, 50) == 2
    assert lower_gi_stage(kb, 0, 8, severe=True) == 4


def test_upper_gi_stage():
    assert upper_gi_stage(True) == 1 and upper_gi_stage(False) == 0


@pytest.mark.parametrize("stages,grade", [
    ((0, 0, 0, 0), "0"), ((1, 0, 0, 0), "I"), ((2, 0, 0, 0), "I"), ((3, 0, 0, 0), "II"),
    ((0, 1, 0, 0), "II"), ((0, 0, 1, 0), "II"), ((0, 0, 0, 1), "II"), ((2, 0, 1, 0), "II"),
    ((0, 0, 0, 2), "III"), ((0, 2, 0, 0), "III"), ((3, 3, 1, 0), "III"), ((0, 0, 0, 3), "III"),
    ((4, 0, 0, 0), "IV"), ((0, 4, 0, 0), "IV"), ((0, 0, 0, 4), "IV"), ((1, 0, 1, 4), "IV"),
])
def test_magic_grade_pattern_against_harris2016(kb, stages, grade):
    # skin 3 alone = II; lower GI 2 alone = III (pattern, not maximum stage)
    assert magic_grade(kb, *stages) == grade


ALL0 = {o: 0 for o in ("skin", "mouth", "eyes", "gi", "liver", "lungs", "joints", "genital")}


@pytest.mark.parametrize("scores,severity", [
    ({}, "none"), ({"skin": 1}, "mild"), ({"skin": 1, "mouth": 1}, "mild"),
    ({"skin": 1, "mouth": 1, "eyes": 1}, "moderate"), ({"skin": 2}, "moderate"), ({"lungs": 1}, "moderate"),
    ({"skin": 3}, "severe"), ({"lungs": 2}, "severe"), ({"mouth": 2, "lungs": 0}, "moderate"),
])
def test_nih_global_severity_against_jagasia2015(kb, scores, severity):
    assert nih_global_severity(kb, {**ALL0, **scores})[0] == severity


def test_nih_not_assessed_is_not_zero(kb):
    sev, unassessed = nih_global_severity(kb, {"skin": 1, "lungs": None})
    assert sev == "mild" and "lungs" in unassessed


def mg(x):
    return x


@pytest.mark.parametrize("bili,met", [(2.0, False), (2.01, True)])
def test_seattle_bilirubin_both_sides_against_mcdonald1993(kb, bili, met):
    # bilirubin > 2 mg/dL plus hepatomegaly with RUQ pain (2 criteria)
    liver = {5: LiverObs(hepatomegaly=True, ruq_pain=True)}
    assert modified_seattle(kb, {5: bili}, {}, None, liver).met is met


@pytest.mark.parametrize("gain_kg,met", [(0.2, False), (0.21, True)])
def test_seattle_weight_gain_both_sides(kb, gain_kg, met):
    # baseline 10 kg: +0.2 kg = 2.0% (not > 2%), +0.21 = 2.1%
    assert modified_seattle(kb, {5: 2.5}, {5: 10 + gain_kg}, 10.0, {}).met is met


def test_seattle_window_day_20_both_sides(kb):
    liver = {20: LiverObs(hepatomegaly=True, ruq_pain=True)}
    assert modified_seattle(kb, {20: 3.0}, {}, None, liver).met
    liver = {21: LiverObs(hepatomegaly=True, ruq_pain=True)}
    assert not modified_seattle(kb, {21: 3.0}, {}, None, liver).met


def test_seattle_hepatomegaly_without_pain_does_not_count(kb):
    liver = {5: LiverObs(hepatomegaly=True, ruq_pain=False)}
    assert not modified_seattle(kb, {5: 3.0}, {}, None, liver).met


@pytest.mark.parametrize("bili,met", [(1.99, False), (2.0, True)])
def test_ebmt_bilirubin_both_sides_against_corbacioglu2018(kb, bili, met):
    liver = {30: LiverObs(hepatomegaly=True)}
    assert ebmt_paediatric(kb, {30: bili}, {}, None, liver).met is met


@pytest.mark.parametrize("gain_kg,met", [(0.5, False), (0.51, True)])
def test_ebmt_weight_gain_both_sides(kb, gain_kg, met):
    # baseline 10 kg: 5.0% is not > 5%; 5.1% is
    liver = {40: LiverObs(ascites="moderate")}
    assert ebmt_paediatric(kb, {}, {40: 10 + gain_kg}, 10.0, liver).met is met


def test_ebmt_needs_two_criteria_and_has_no_time_limit(kb):
    assert not ebmt_paediatric(kb, {}, {}, None, {60: LiverObs(hepatomegaly=True)}).met
    result = ebmt_paediatric(kb, {}, {}, None, {60: LiverObs(hepatomegaly=True, ascites="minimal")})
    assert result.met and result.severity == "mild"


def test_ebmt_rising_bilirubin_three_days(kb):
    liver = {10: LiverObs(hepatomegaly=True)}
    assert ebmt_paediatric(kb, {10: 0.5, 11: 0.6, 12: 0.7, 13: 0.8}, {}, None, liver).met
    assert not ebmt_paediatric(kb, {10: 0.5, 11: 0.6, 12: 0.7}, {}, None, liver).met  # only 2 rises
    assert not ebmt_paediatric(kb, {10: 0.5, 11: 0.6, 13: 0.7, 14: 0.8}, {}, None, liver).met  # gap


def test_ebmt_severity_against_corbacioglu2018(kb):
    obs = {d: LiverObs(hepatomegaly=True, ascites="moderate", refractory_thrombocytopenia=True) for d in range(10, 13)}
    assert ebmt_paediatric(kb, {}, {}, None, obs).severity == "moderate"  # RT 3 days, moderate ascites
    obs = {d: LiverObs(hepatomegaly=True, refractory_thrombocytopenia=True, alt_times_uln=6) for d in range(10, 17)}
    r = ebmt_paediatric(kb, {}, {}, None, obs)
    assert r.severity == "very severe"  # RT >= 7 days and ALT > 5x: two starred criteria at severe
    obs = {10: LiverObs(hepatomegaly=True, alt_times_uln=5.0, ascites="minimal")}
    assert ebmt_paediatric(kb, {}, {}, None, obs).severity == "moderate"  # > 2 and <= 5x


def test_ebmt_unknown_criteria_are_not_absent(kb):
    r = ebmt_paediatric(kb, {}, {}, None, {})
    assert all(c.status == "unknown" for c in r.criteria)
    assert "could be met" in r.note


def test_hypercalcaemia_threshold_against_martinez2010(kb):
    # 11.0 mg/dL x 0.249501 = 2.7445 mmol/L; exactly at threshold is not > threshold
    threshold = 11.0 * 0.249501
    assert hypercalcaemia(kb, {23: threshold}).high_values == ()
    result = hypercalcaemia(kb, {20: 2.4, 23: threshold + 0.01, 25: 3.0})
    assert result.first_day == 23 and result.peak_mmol_l == 3.0
    assert hypercalcaemia(kb, {-3: 3.0}).high_values == ()  # before day 0 not counted


@pytest.mark.parametrize("episodes,kg,stage", [
    # child (<= 50 kg), MAGIC episodes/day: 0 < 4; 1 4-6; 2 7-10; 3 > 10
    (3, 10, 0), (4, 10, 1), (6, 10, 1), (7, 10, 2), (10, 10, 2), (11, 10, 3),
    (3.9, 50, 0), (4, 50, 1),          # exactly 50 kg is still the child column
    # adult (> 50 kg): 0 < 3; 1 3-4; 2 5-7; 3 > 7
    (2, 50.01, 0), (3, 50.01, 1), (4, 60, 1), (5, 60, 2), (7, 60, 2), (8, 60, 3),
])
def test_lower_gi_stage_by_episodes_against_magic_harris2016(kb, episodes, kg, stage):
    assert lower_gi_stage(kb, None, kg, episodes_per_day=episodes) == stage


def test_lower_gi_stage4_severe_pain_ileus_or_gross_blood_regardless_of_volume(kb):
    # stage 4 with no diarrhoea at all, and with stage-3 volume; without the flag the same volume is stage 3
    assert lower_gi_stage(kb, 0, 8, severe=True) == 4
    assert lower_gi_stage(kb, None, 8, severe=True) == 4
    assert lower_gi_stage(kb, 400, 8, severe=True) == 4 and lower_gi_stage(kb, 400, 8) == 3  # 50 mL/kg/day
    assert lower_gi_stage(kb, None, 60, severe=True, episodes_per_day=1) == 4


def test_volume_wins_over_episodes_and_neither_is_refused(kb):
    from rarebone.errors import ImplausibleValueError
    # 100 mL at 10 kg = 10 mL/kg/day -> stage 1 even if 12 episodes were also charted
    assert lower_gi_stage(kb, 100, 10, episodes_per_day=12) == 1
    with pytest.raises(ImplausibleValueError):
        lower_gi_stage(kb, None, 10)
    with pytest.raises(ImplausibleValueError):
        lower_gi_stage(kb, None, 10, episodes_per_day=-1)
