"""Protocol calendars: hand-worked doses for three children, maxima, schedules, small-child rule, TDM,
HSCT indication refusal. Arithmetic in the comments."""

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rarebone.errors import SafetyRefusal
from rarebone.patient import AllelicState, Patient, Variant
from rarebone.transplant.dosing import busulfan_adjustment
from rarebone.transplant.indication import check_indication, genotype_calls, hsct_not_indicated_genes
from rarebone.transplant.protocol import SmallChildRule, build_calendar, find_protocol, line_days
from rarebone.workflows.plan import make_plan

DAY0 = dt.date(2027, 1, 15)


def child(age_days, pid="C"):
    return Patient(patient_id=pid, source="test", age_days=age_days)


def amounts(plan, drug):
    return {a.study_day: a.amount.value for a in plan.administrations if a.drug == drug}


def test_infant_4kg_against_s1_and_ema(kb):
    # 4 kg, 52 cm, 1 month. BSA Mosteller = sqrt(52 x 4 / 3600) = sqrt(0.057778) = 0.240370 m2
    plan = make_plan(kb, child(30), protocol_key="beijing-haplo", day0=DAY0, weight_kg=4, height_cm=52)
    assert plan.bsa_m2 == pytest.approx(0.2404, abs=1e-4)
    # busulfan EMA < 9 kg: 1.0 mg/kg/dose x 4 doses/day x 4 kg = 16 mg/day; x 4 days = 64 mg (16 mg/kg)
    assert amounts(plan, "Busulfan") == {-8: 16.0, -7: 16.0, -6: 16.0, -5: 16.0}
    # fludarabine 120 mg/m2 / 4 days = 30 mg/m2/day x 0.240370 = 7.2111 -> rounded down 7.21 mg
    assert set(amounts(plan, "Fludarabine").values()) == {7.21}
    # cyclophosphamide 200 mg/kg / 4 days = 50 mg/kg/day x 4 kg = 200 mg/day
    assert set(amounts(plan, "Cyclophosphamide").values()) == {200.0}
    # methotrexate day +1: 15 mg/m2 x 0.240370 = 3.6056 -> 3.60 mg; days +3/+6/+11: 10 x 0.240370 = 2.40 mg
    mtx = amounts(plan, "Methotrexate")
    assert mtx == {1: 3.6, 3: 2.4, 6: 2.4, 11: 2.4}
    # LMWH 100 IU/kg/day x 4 kg = 400 IU; G-CSF 5 ug/kg/day x 4 = 20 ug; aciclovir 30 x 4 = 120 mg
    assert set(amounts(plan, "Low-molecular-weight heparin").values()) == {400.0}
    assert set(amounts(plan, "G-CSF (filgrastim)").values()) == {20.0}
    assert set(amounts(plan, "Aciclovir").values()) == {120.0}
    assert any("BSA dosing below 10 kg can overdose" in w for w in plan.warnings)


def test_one_year_old_8kg_against_s1_and_ema(kb):
    # 8 kg, 72 cm, 12 months. BSA = sqrt(72 x 8 / 3600) = sqrt(0.16) = 0.400 m2
    plan = make_plan(kb, child(365), protocol_key="beijing-haplo", day0=DAY0, weight_kg=8, height_cm=72)
    assert plan.bsa_m2 == pytest.approx(0.4)
    # busulfan < 9 kg: 1.0 x 4 x 8 = 32 mg/day
    assert set(amounts(plan, "Busulfan").values()) == {32.0}
    # fludarabine 30 mg/m2/day x 0.4 = 12 mg; MTX 15 x 0.4 = 6 mg, 10 x 0.4 = 4 mg
    assert set(amounts(plan, "Fludarabine").values()) == {12.0}
    assert amounts(plan, "Methotrexate") == {1: 6.0, 3: 4.0, 6: 4.0, 11: 4.0}
    # cyclophosphamide 50 x 8 = 400 mg/day; ciclosporin 5 x 8 = 40 mg/day; ATG 2.5 x 8 = 20 mg/day
    assert set(amounts(plan, "Cyclophosphamide").values()) == {400.0}
    assert set(amounts(plan, "Ciclosporin A").values()) == {40.0}
    assert set(amounts(plan, "Rabbit ATG (anti-human thymocyte globulin)").values()) == {20.0}


def test_seven_year_old_25kg_against_s1_and_ema(kb):
    # 25 kg, 120 cm, 7 years. BSA = sqrt(120 x 25 / 3600) = sqrt(0.833333) = 0.912871 m2 (> 10 kg: BSA dosing)
    plan = make_plan(kb, child(7 * 365.25), protocol_key="beijing-haplo", day0=DAY0, weight_kg=25, height_cm=120)
    # busulfan EMA 23 < 25 <= 34: 0.95 mg/kg/dose x 4 = 3.8 mg/kg/day x 25 = 95 mg/day; total 380 mg = 15.2 mg/kg
    assert set(amounts(plan, "Busulfan").values()) == {95.0}
    # 15.2 mg/kg is below the S1 range 16-19.2 -> warned, not silently raised
    assert any("Busulfan: total 15.2 mg/kg is below" in w for w in plan.warnings)
    # fludarabine 30 x 0.912871 = 27.386 -> 27.38 mg; MTX d+1 15 x 0.912871 = 13.693 -> 13.69 mg
    assert set(amounts(plan, "Fludarabine").values()) == {27.38}
    assert amounts(plan, "Methotrexate")[1] == 13.69
    # cyclophosphamide 50 x 25 = 1250 mg/day; aciclovir 30 x 25 = 750 mg/day
    assert set(amounts(plan, "Cyclophosphamide").values()) == {1250.0}
    assert set(amounts(plan, "Aciclovir").values()) == {750.0}
    assert not any("BSA dosing below 10 kg" in w for w in plan.warnings)


def test_total_split_adds_up_to_total(kb):
    plan = make_plan(kb, child(365), protocol_key="beijing-haplo", day0=DAY0, weight_kg=8, height_cm=72)
    for d in plan.drugs:
        if d.dose_set_by_centre:  # the phenytoin taper: days scheduled, no amount and no total (checked elsewhere)
            assert d.total_dose is None and d.total_amount is None
            continue
        per_day = [a.amount.value for a in plan.administrations if a.drug == d.drug and a.study_day in d.days]
        if d.continues_beyond_calendar:  # no end published: no total (it would depend on --until), the daily dose
            assert d.total_dose is None and d.total_amount is None
            assert set(per_day) == {d.amount_per_day.value}
            continue
        assert sum(per_day) == pytest.approx(d.total_amount.value, abs=1e-6)
    cy = next(d for d in plan.drugs if d.drug == "Cyclophosphamide")
    assert cy.total_dose.value == pytest.approx(200)  # S1 total 200 mg/kg


def test_assumed_schedule_is_marked_never_silent(kb):
    plan = make_plan(kb, child(365), protocol_key="beijing-haplo", day0=DAY0, weight_kg=8, height_cm=72)
    for drug in ("Fludarabine", "Busulfan", "Cyclophosphamide", "Rabbit ATG (anti-human thymocyte globulin)"):
        rows = [a for a in plan.administrations if a.drug == drug]
        assert rows and all(a.assumed_from for a in rows)
    # published days (S1): methotrexate d+1, +3, +6, +11 and ciclosporin from d-1 carry no assumption
    assert all(a.assumed_from is None for a in plan.administrations if a.drug in ("Methotrexate", "Ciclosporin A"))
    assert min(a.study_day for a in plan.administrations if a.drug == "Ciclosporin A") == -1
    assert min(a.study_day for a in plan.administrations if a.drug == "Ursodeoxycholic acid") == -14
    assert min(a.study_day for a in plan.administrations if a.drug == "Low-molecular-weight heparin") == -10
    assert min(a.study_day for a in plan.administrations if a.drug == "G-CSF (filgrastim)") == 5
    assert min(a.study_day for a in plan.administrations if a.drug == "Aciclovir") == 0


def test_dates_follow_day0(kb):
    plan = make_plan(kb, child(365), protocol_key="beijing-haplo", day0=DAY0, weight_kg=8, height_cm=72)
    for a in plan.administrations:
        assert a.date == DAY0 + dt.timedelta(days=a.study_day)


def test_iewp_requires_explicit_small_child_rule(kb):
    with pytest.raises(SafetyRefusal, match="small-child-rule"):
        make_plan(kb, child(365), protocol_key="iewp-treo-flu-thiotepa", day0=DAY0, weight_kg=8, height_cm=72)
    plan = make_plan(kb, child(365), protocol_key="iewp-treo-flu-thiotepa", day0=DAY0, weight_kg=8, height_cm=72,
                     small_child_rule=SmallChildRule.PER_KG)
    totals = {d.drug: d.total_amount.value for d in plan.drugs}
    # days set by the centre: totals only. fludarabine 150 mg/m2 / 30 = 5 mg/kg x 8 kg = 40 mg
    assert totals["Fludarabine"] == 40.0
    # treosulfan BSA sqrt(72 x 8 / 3600) = 0.4 m2 <= 0.5 -> 10 g/m2/day x 3 doses x 0.4 = 12 g (cut-off UNVERIFIED)
    assert totals["Treosulfan"] == 12.0
    # thiotepa 8 mg/kg x 8 kg = 64 mg
    assert totals["Thiotepa"] == 64.0
    assert plan.administrations == []
    assert any("UNVERIFIED" in w for w in plan.warnings)


def test_iewp_above_10kg_uses_bsa_without_rule(kb):
    # 25 kg, 120 cm: BSA 0.912871 -> treosulfan band > 0.5-1.0 = 12 g/m2/day x 3 doses x 0.912871 = 32.863 -> 32.86 g
    plan = make_plan(kb, child(7 * 365.25), protocol_key="iewp-treo-flu-thiotepa", day0=DAY0, weight_kg=25, height_cm=120)
    assert {d.drug: d.total_amount.value for d in plan.drugs}["Treosulfan"] == 32.86


def test_busulfan_tdm_adjusts_only_later_doses(kb):
    # 8 kg: 8 mg per dose. AUC 1150 after dose 4 -> doses 5-16 x 13400/13800 = 0.971014: 8 x 0.971014 = 7.768 -> 7.76
    plan = make_plan(kb, child(365), protocol_key="beijing-haplo", day0=DAY0, weight_kg=8, height_cm=72,
                     busulfan_auc_umol_min=1150, after_dose=4)
    bu = amounts(plan, "Busulfan")
    assert bu[-8] == 32.0  # doses 1-4 unchanged
    assert bu[-7] == 31.04  # 4 x 7.76 (each dose rounded once, the day is their sum)
    # after dose 6 (mid-day): factor (18000 - 6900) / (10 x 1150) = 0.965217; 8 x 0.965217 = 7.72; 16 + 2 x 7.72 = 31.44
    plan = make_plan(kb, child(365), protocol_key="beijing-haplo", day0=DAY0, weight_kg=8, height_cm=72,
                     busulfan_auc_umol_min=1150, after_dose=6)
    assert amounts(plan, "Busulfan")[-7] == 31.44


def test_busulfan_tdm_above_protocol_maximum_is_refused(kb):
    # 8 kg: 1.0 mg/kg/dose; AUC 600 -> x 1.875 -> 7.5 mg/kg/day > protocol max 4.8 mg/kg/day (1.2 x 4)
    with pytest.raises(SafetyRefusal, match="exceeds the protocol maximum"):
        make_plan(kb, child(365), protocol_key="beijing-haplo", day0=DAY0, weight_kg=8, height_cm=72,
                  busulfan_auc_umol_min=600, after_dose=4)


def test_implausible_weight_refuses_plan(kb):
    with pytest.raises(SafetyRefusal, match="implausible"):
        make_plan(kb, child(91), protocol_key="beijing-haplo", day0=DAY0, weight_kg=52, height_cm=58)


def test_not_indicated_genotype_refuses_without_override(kb):
    with pytest.raises(SafetyRefusal, match="OSTM1"):
        make_plan(kb, child(365), protocol_key="beijing-haplo", day0=DAY0, weight_kg=8, height_cm=72,
                  recommendations={"OSTM1": "not_indicated"})
    plan = make_plan(kb, child(365), protocol_key="beijing-haplo", day0=DAY0, weight_kg=8, height_cm=72,
                     recommendations={"OSTM1": "not_indicated"}, override_reason="family informed; palliative trial")
    assert plan.override_reason == "family informed; palliative trial"
    assert "HSCT NOT INDICATED" in plan.warnings[0]


@pytest.mark.parametrize("rec", ["indicated", "case_by_case", "undetermined"])
def test_other_recommendations_do_not_refuse(rec):
    gate = check_indication({"TCIRG1": rec})
    assert gate.refused_genes == ()


def test_blank_override_reason_is_not_an_override():
    with pytest.raises(SafetyRefusal):
        check_indication({"TNFSF11": "not_indicated"}, "   ")


class _Block:
    def __init__(self, rec):
        self.recommendation = rec


class _Gene:
    def __init__(self, gene, bi, mono):
        self.gene, self.biallelic, self.monoallelic = gene, _Block(bi), _Block(mono)


def test_genotype_calls_biallelic_vs_monoallelic():
    table = {"CLCN7": _Gene("CLCN7", "case_by_case", "case_by_case"), "OSTM1": _Gene("OSTM1", "not_indicated", "undetermined")}
    het = Variant("OSTM1", None, AllelicState.HETEROZYGOUS, "causative")
    hom = Variant("OSTM1", None, AllelicState.HOMOZYGOUS, "causative")
    assert genotype_calls(table, [het]) == {"OSTM1": ("undetermined", "monoallelic")}
    assert genotype_calls(table, [hom]) == {"OSTM1": ("not_indicated", "biallelic")}
    # two heterozygous variants in one gene are treated as biallelic
    assert genotype_calls(table, [het, het])["OSTM1"][1] == "biallelic"


def test_hsct_not_indicated_genes_reads_gene_table_duck_typed(kb):
    class FakeKb:
        entries = {"A": _Gene("OSTM1", "not_indicated", "x"), "B": _Gene("TCIRG1", "indicated", "x")}
    assert hsct_not_indicated_genes(FakeKb()) == {"OSTM1"}
    assert hsct_not_indicated_genes(kb) == {"OSTM1", "TNFSF11"}  # gene table not on this branch yet


PROTOCOLS = ["beijing-haplo", "iewp-treo-flu-thiotepa"]


def _max_for(protocol, drug):
    lines = [line for line in protocol.drugs if line.drug == drug]
    return lines


@settings(max_examples=150, deadline=None)
@given(kg=st.floats(2.5, 90), bsa=st.floats(0.15, 2.3), key=st.sampled_from(PROTOCOLS),
       rule=st.sampled_from(list(SmallChildRule)))
def test_calendar_never_exceeds_protocol_maxima(kb, kg, bsa, key, rule):
    protocol = find_protocol(kb, key)
    cal = build_calendar(kb, protocol, weight_kg=kg, bsa_m2=bsa, small_child_rule=rule)
    for a in cal.administrations:
        lines = [line for line in protocol.drugs if line.drug == a.drug]
        for line in lines:
            if a.study_day in line_days(line, 30):
                per_kg = line.basis in ("kg", "weight_band") or (line.basis == "m2" and a.dose_unit.endswith("/kg"))
                scale = (1 / 30) if line.basis == "m2" and per_kg else 1
                if a.dose_set_by_centre:  # taper: no amount, the ceiling is the protocol maximum
                    assert a.dose_value is None and a.max_dose_value <= line.max_per_day * scale + 1e-9
                    assert a.max_amount_value <= line.max_per_day * scale * (kg if per_kg else bsa) + 1e-9
                    continue
                assert a.dose_value <= line.max_per_day * scale + 1e-9
                assert a.amount_value <= line.max_per_day * scale * (kg if per_kg else bsa) + 1e-9


@settings(max_examples=150, deadline=None)
@given(kg=st.floats(2.5, 90), bsa=st.floats(0.15, 2.3), key=st.sampled_from(PROTOCOLS))
def test_calendar_has_no_drug_on_an_excluded_day(kb, kg, bsa, key):
    protocol = find_protocol(kb, key)
    cal = build_calendar(kb, protocol, weight_kg=kg, bsa_m2=bsa, small_child_rule=SmallChildRule.BSA)
    allowed = {}
    for line in protocol.drugs:
        allowed.setdefault(line.drug, set()).update(line_days(line, 30))
    for a in cal.administrations:
        assert a.study_day in allowed[a.drug]
    mtx = {a.study_day for a in cal.administrations if a.drug == "Methotrexate"}
    assert mtx <= {1, 3, 6, 11}


@settings(max_examples=150, deadline=None)
@given(kg=st.floats(10.01, 60), factor=st.floats(1.01, 2.0), bsa=st.floats(0.4, 2.0))
def test_doses_scale_with_weight_and_bsa(kb, kg, factor, bsa):
    protocol = find_protocol(kb, "beijing-haplo")
    a = build_calendar(kb, protocol, weight_kg=kg, bsa_m2=bsa)
    b = build_calendar(kb, protocol, weight_kg=kg * factor, bsa_m2=bsa)
    c = build_calendar(kb, protocol, weight_kg=kg, bsa_m2=bsa * factor)
    key = lambda x: (x.drug, x.study_day, x.dose_value)  # noqa: E731
    for x, y, z in zip(a.administrations, b.administrations, c.administrations):
        line = next(line for line in protocol.drugs if line.drug == x.drug)
        if line.dose_set_by_centre:
            assert x.amount_value is None and y.max_amount_value == pytest.approx(x.max_amount_value * factor, abs=0.011 * factor)
        elif line.basis == "kg":
            assert y.amount_value == pytest.approx(x.amount_value * factor, abs=0.011 * factor)
            assert z.amount_value == x.amount_value
        elif line.basis == "m2":
            assert z.amount_value == pytest.approx(x.amount_value * factor, abs=0.011 * factor)
            assert y.amount_value == x.amount_value
        assert key(x)[:2] == key(y)[:2] == key(z)[:2]


@settings(max_examples=100, deadline=None)
@given(auc=st.floats(100, 10000), after=st.integers(1, 15), kg=st.floats(3, 60))
def test_busulfan_tdm_never_passes_maximum(kb, auc, after, kg):
    protocol = find_protocol(kb, "beijing-haplo")
    try:
        adj = busulfan_adjustment(kb, auc, after)  # refuses when the measured doses already pass the cumulative target
        cal = build_calendar(kb, protocol, weight_kg=kg, bsa_m2=0.5 if kg <= 10 else 1.0, busulfan=adj,
                             small_child_rule=SmallChildRule.BSA)
    except SafetyRefusal:
        return
    total = sum(a.amount_value for a in cal.administrations if a.drug == "Busulfan")
    assert total <= 19.2 * kg + 1e-9  # S1 maximum 19.2 mg/kg


def test_override_reason_printed_in_every_format(kb):
    from rarebone.report.calendar import plan_ics
    from rarebone.report.transplant import plan_html, plan_text

    plan = make_plan(kb, child(365), protocol_key="beijing-haplo", day0=DAY0, weight_kg=8, height_cm=72,
                     recommendations={"TNFSF11": "not_indicated"}, override_reason="second opinion agreed")
    assert "second opinion agreed" in plan_text(plan)
    assert "second opinion agreed" in plan_html(plan)
    assert "second opinion agreed" in plan.model_dump_json()
    assert plan_ics(plan, dt.datetime(2027, 1, 1, tzinfo=dt.timezone.utc)).startswith("BEGIN:VCALENDAR")


def test_alg_alternative_against_s1(kb):
    # S1: ATG 10 mg/kg or porcine ALG 150 mg/kg (totals). 8 kg: ALG 150 / 4 days = 37.5 mg/kg/day x 8 = 300 mg/day
    plan = make_plan(kb, child(365), protocol_key="beijing-haplo", day0=DAY0, weight_kg=8, height_cm=72,
                     options={"serotherapy": "alg"})
    assert set(amounts(plan, "Porcine ALG (anti-lymphocyte globulin)").values()) == {300.0}
    assert amounts(plan, "Rabbit ATG (anti-human thymocyte globulin)") == {}
    assert any("Rabbit ATG" in n and "not chosen" in n for n in plan.not_scheduled)
    default = make_plan(kb, child(365), protocol_key="beijing-haplo", day0=DAY0, weight_kg=8, height_cm=72)
    assert amounts(default, "Porcine ALG (anti-lymphocyte globulin)") == {}
    assert default.options == {"conditioning": "flu-bu-cy", "serotherapy": "atg"}


def test_unknown_option_is_an_input_error(kb):
    from rarebone.errors import InputError

    with pytest.raises(InputError):
        make_plan(kb, child(365), protocol_key="beijing-haplo", day0=DAY0, weight_kg=8, height_cm=72,
                  options={"serotherapy": "horse"})


def test_tbi_cy_alternative_against_s1(kb):
    # S1: TBI 12 Gy + Cy 120 mg/kg (1 patient). 8 kg: Cy 120 / 2 days = 60 mg/kg/day x 8 = 480 mg/day (960 mg total);
    # TBI 6 x 2 Gy twice daily on 3 days = 4 Gy/day, 12 Gy total, never scaled by weight
    plan = make_plan(kb, child(365), protocol_key="beijing-haplo", day0=DAY0, weight_kg=8, height_cm=72,
                     options={"conditioning": "tbi-cy"})
    assert amounts(plan, "Cyclophosphamide (Cy/TBI)") == {-6: 480.0, -5: 480.0}
    assert amounts(plan, "Total body irradiation (TBI)") == {-3: 4.0, -2: 4.0, -1: 4.0}
    for drug in ("Fludarabine", "Busulfan", "Cyclophosphamide"):
        assert amounts(plan, drug) == {}
    tbi = [a for a in plan.administrations if a.drug == "Total body irradiation (TBI)"]
    assert {(a.dose.unit, a.amount.unit) for a in tbi} == {("Gy/day", "Gy")}  # no mg, no per-kg
    assert all(a.assumed_from and "UNVERIFIED" in a.assumed_from for a in tbi)
    assert any("flu-bu-cy" in n and "not chosen" in n for n in plan.not_scheduled)
    assert not any(n.startswith("TBI 12 Gy") for n in plan.not_scheduled)  # now an option, not a listing
    heavier = make_plan(kb, child(365), protocol_key="beijing-haplo", day0=DAY0, weight_kg=12, height_cm=80,
                        options={"conditioning": "tbi-cy"})
    assert amounts(heavier, "Total body irradiation (TBI)") == {-3: 4.0, -2: 4.0, -1: 4.0}


def test_busulfan_auc_with_tbi_cy_is_refused(kb):
    from rarebone.errors import InputError

    with pytest.raises(InputError, match="no busulfan"):
        make_plan(kb, child(365), protocol_key="beijing-haplo", day0=DAY0, weight_kg=8, height_cm=72,
                  options={"conditioning": "tbi-cy"}, busulfan_auc_umol_min=1150, after_dose=4)


def test_every_option_group_is_listed_once_when_not_chosen(kb):
    # ALG is an option, not a not_scheduled item; the unchosen group appears exactly once
    plan = make_plan(kb, child(365), protocol_key="beijing-haplo", day0=DAY0, weight_kg=8, height_cm=72)
    alg = [n for n in plan.not_scheduled if "ALG" in n]
    tbi = [n for n in plan.not_scheduled if "TBI" in n or "Total body" in n]
    assert len(alg) == 1 and "--option serotherapy=alg" in alg[0]
    assert len(tbi) == 1 and "--option conditioning=tbi-cy" in tbi[0]


def test_busulfan_amount_of_each_dose_with_tdm(kb):
    # 8 kg EMA band 1.0 mg/kg per dose -> 8 mg per dose, 4 a day. AUC 1300 after dose 6: factor
    # (18000 - 6 x 1300) / (10 x 1300) = 10200/13000 = 0.784615; doses 7-16 = 8 x 0.784615 = 6.277 -> 6.27 mg
    # (rounded down). Day -7 holds doses 5,6 (8 mg) and 7,8 (6.27 mg).
    plan = make_plan(kb, child(365), protocol_key="beijing-haplo", day0=DAY0, weight_kg=8, height_cm=72,
                     busulfan_auc_umol_min=1300, after_dose=6)
    bu = {a.study_day: [q.value for q in a.amounts_per_dose] for a in plan.administrations if a.drug == "Busulfan"}
    assert bu[-8] == [8.0] * 4 and bu[-7] == [8.0, 8.0, 6.27, 6.27] and bu[-5] == [6.27] * 4
    assert all(not a.amounts_per_dose for a in plan.administrations if a.drug != "Busulfan")
