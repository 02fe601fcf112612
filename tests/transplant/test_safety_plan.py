"""Issue 10, plan side: assumed days marked in every export title, the phenytoin taper (S1), and the IEWP
small-child warning agreeing with the doses. End to end through the CLI on the example child."""

import csv
import io
import json
from pathlib import Path

import pytest

from rarebone.cli import main
from rarebone.transplant.protocol import SmallChildRule, build_calendar, find_protocol

EX = Path(__file__).resolve().parents[2] / "examples" / "transplant"
PLAN = ["plan", str(EX / "tcirg1-infant-plan.json"), "--protocol", "beijing-haplo", "--day0", "2027-01-15"]


def run(capsys, args) -> str:
    main(args)
    return capsys.readouterr().out


def _unfold(ics: str) -> list[str]:
    return ics.replace("\r\n ", "").split("\r\n")


def test_ics_summary_marks_assumed_days_against_s1(capsys):
    # S1 gives fludarabine as a total only (days -12..-9 are rarebone's); methotrexate day +1 is published
    lines = _unfold(run(capsys, PLAN + ["--format", "ics"]))
    flu = [x for x in lines if x.startswith("SUMMARY:") and "Fludarabine" in x]
    mtx = [x for x in lines if x.startswith("SUMMARY:") and "Methotrexate" in x]
    assert len(flu) == 4 and all("[DAY ASSUMED\\, UNVERIFIED]" in x for x in flu)
    assert mtx and not any("ASSUMED" in x for x in mtx)
    surv = [x for x in lines if x.startswith("SUMMARY:") and "CMV" in x]  # S1: weekly, start day not given
    assert surv and all("DAY ASSUMED" in x for x in surv)


def test_csv_day_source_column_against_s1(capsys):
    rows = list(csv.DictReader(io.StringIO(run(capsys, PLAN + ["--format", "csv"]))))
    by_drug = {}
    for r in rows:
        by_drug.setdefault(r["drug"], set()).add(r["day_source"])
    assert by_drug["Fludarabine"] == {"assumed by rarebone [UNVERIFIED schedule]"}
    assert by_drug["Methotrexate"] == {"as published"}
    assert by_drug["Ciclosporin A"] == {"as published"}


def test_plan_first_page_names_where_days_come_from(capsys):
    out = run(capsys, PLAN)
    head = out.split("Warnings:")[0]  # before the warnings: the first thing a reader sees
    assert "Days ASSUMED by rarebone" in head and "Fludarabine" in head.split("Days ASSUMED")[1].splitlines()[0]
    html = run(capsys, PLAN + ["--format", "html"])
    first = html.split("<h2>Warnings</h2>")[0]
    assert "Where the days come from" in first and "Days ASSUMED by rarebone" in first
    assert "[DAY ASSUMED, UNVERIFIED]" in html  # PDF rows are rendered from this HTML
    iewp = run(capsys, ["plan", str(EX / "tcirg1-infant-plan.json"), "--protocol", "iewp-treo-flu-thiotepa",
                        "--day0", "2027-01-15", "--small-child-rule", "bsa"])
    assert "Days set by the centre (not on the calendar; totals only): Treosulfan, Fludarabine, Thiotepa" in iewp


def test_phenytoin_taper_scheduled_after_full_dose_against_s1(capsys):
    # S1: 5 mg/kg/day from day -14, then tapered over 1.5 weeks; steps not given -> dose set by the centre
    plan = json.loads(run(capsys, PLAN + ["--format", "json"]))
    full = sorted(a["study_day"] for a in plan["administrations"] if a["drug"] == "Phenytoin")
    taper = [a for a in plan["administrations"] if a["drug"] == "Phenytoin taper"]
    assert full == list(range(-14, -3))
    assert [a["study_day"] for a in taper] == list(range(-3, 8))  # 11 days: 1.5 weeks rounded up
    assert all(a["dose"] is None and a["amount"] is None and a["dose_set_by_centre"] for a in taper)
    # ceiling = S1 full dose 5 mg/kg/day x 5.2 kg = 26 mg
    assert {a["max_amount"]["value"] for a in taper} == {26.0}
    assert not any("Phenytoin taper" in n for n in plan["not_scheduled"])
    assert plan["day_sources"]["centre_dose"] == ["Phenytoin taper"]
    text = run(capsys, PLAN)
    assert "Phenytoin taper: DOSE SET BY THE CENTRE on days -3 to +7" in text
    rows = [r for r in csv.DictReader(io.StringIO(run(capsys, PLAN + ["--format", "csv"])))
            if r["drug"] == "Phenytoin taper"]
    assert len(rows) == 11 and all(r["amount_value"] == "" and "dose set by the centre" in r["schedule"] for r in rows)
    ics = [x for x in _unfold(run(capsys, PLAN + ["--format", "ics"])) if x.startswith("SUMMARY:") and "taper" in x]
    assert len(ics) == 11 and all("dose set by the centre (at most 26 mg)" in x for x in ics)


@pytest.mark.parametrize("kg,small", [(10.0, True), (10.01, False)])
def test_iewp_small_child_warning_matches_doses_against_cca(kb, kg, small):
    # CCA: BSA dosing when weight > 10 kg; at <= 10 kg per-kg conversion applies to flat per-m2 doses only;
    # treosulfan keeps its published BSA band (Kalwak 2020) and the warning says so
    cal = build_calendar(kb, find_protocol(kb, "iewp-treo-flu-thiotepa"), weight_kg=kg, bsa_m2=0.45,
                         small_child_rule=SmallChildRule.PER_KG)
    units = {line.drug: line.dose_unit for line in cal.lines}
    warning = [w for w in cal.warnings if "converted to per-kg" in w]
    if small:
        assert units["Fludarabine"] == "mg/kg" and units["Treosulfan"] == "g/m2"
        assert len(warning) == 1 and "(Fludarabine)" in warning[0]
        assert "Treosulfan: dosed by its published BSA band (per m2, not converted)" in warning[0]
    else:
        assert units["Fludarabine"] == "mg/m2" and not warning


def test_ics_busulfan_title_shows_single_doses_against_ema_label(capsys):
    # review10: busulfan is given q6h (EMA label: 4 doses a day); a title with the day's total alone reads as one
    # 2-h infusion of four times the dose. Once-daily drugs keep a plain amount.
    lines = _unfold(run(capsys, PLAN + ["--format", "ics"]))
    bu = [x for x in lines if x.startswith("SUMMARY:") and "Busulfan" in x]
    assert bu and all("mg/day as 4 doses of" in x for x in bu)
    flu = [x for x in lines if x.startswith("SUMMARY:") and "Fludarabine" in x]
    assert flu and not any("doses of" in x for x in flu)
