"""Certainty of a drug's dose vs certainty of its day schedule; surveillance in the ward exports; no total for
drugs without a published end. End to end through the CLI on the example child (text, JSON, HTML, CSV, ICS)."""

import csv
import io
import json
from pathlib import Path

import pytest

from rarebone.cli import main
from rarebone.knowledge import load
from rarebone.knowledge.kinds.transplant import DrugLine, TxProtocol

EX = Path(__file__).resolve().parents[2] / "examples" / "transplant"
PLAN = ["plan", str(EX / "tcirg1-infant-plan.json"), "--protocol", "beijing-haplo", "--day0", "2027-01-15"]
ATG = "Rabbit ATG (anti-human thymocyte globulin)"
OPEN_ENDED = {"Ciclosporin A", "Aciclovir", "G-CSF (filgrastim)", "Low-molecular-weight heparin",
              "Ursodeoxycholic acid"}


def run(capsys, args) -> str:
    main(args)
    return capsys.readouterr().out


def _line(kb, drug):
    protocol = next(p for p in kb.of_kind(TxProtocol) if p.key == "beijing-haplo")
    return next(d for d in protocol.drugs if d.drug == drug)


def test_atg_total_verified_schedule_unverified_against_s1_and_wang2013():
    # S1: rabbit ATG 10 mg/kg total (verified); 2.5 mg/kg/day on days -5..-2 is Wang 2013's leukaemia schedule
    kb = load()
    atg = _line(kb, ATG)
    assert atg.certainty == "verified" and atg.total == 10
    assert atg.schedule_certainty == "unverified" and atg.effective_schedule_certainty == "unverified"
    for drug, total in (("Porcine ALG (anti-lymphocyte globulin)", 150), ("Cyclophosphamide (Cy/TBI)", 120),
                        ("Total body irradiation (TBI)", 12)):
        line = _line(kb, drug)  # S1 totals: ALG 150 mg/kg, Cy 120 mg/kg, TBI 12 Gy
        assert (line.certainty, line.schedule_certainty, line.total) == ("verified", "unverified", total)


def test_every_assumed_schedule_declares_its_certainty():
    kb = load()
    for protocol in kb.of_kind(TxProtocol):
        for line in protocol.drugs:
            if line.assumed_from:
                assert line.schedule_certainty is not None, line.drug
    base = dict(drug="X", role="supportive", route="IV", frequency="daily", basis="kg", dose_unit="mg/kg",
                amount_unit="mg", per_day=1, published="1 mg/kg/day", start_day=0, end_day=1, max_per_day=1,
                sources=["S1"])
    with pytest.raises(ValueError, match="schedule_certainty"):
        DrugLine(**base, assumed_from="rarebone days")
    assert DrugLine(**base).effective_schedule_certainty == "verified"  # as published: as certain as the dose


def test_text_flags_atg_schedule_not_dose(capsys):
    out = run(capsys, PLAN)
    drug_line = next(x for x in out.splitlines() if x.strip().startswith(ATG))
    assert "[UNVERIFIED]" not in drug_line and "10 mg/kg total" in drug_line
    sched = out.splitlines()[out.splitlines().index(drug_line) + 1]
    assert "schedule assumed from" in sched and "[UNVERIFIED schedule]" in sched
    dose_warn = [x for x in out.splitlines() if "UNVERIFIED dose" in x]
    sched_warn = [x for x in out.splitlines() if "UNVERIFIED schedule (" in x]
    assert not any(ATG in x for x in dose_warn)
    assert len(sched_warn) == 1 and ATG in sched_warn[0]
    assert not any(x.startswith("  ! UNVERIFIED (") for x in out.splitlines())


def test_json_carries_both_certainties(capsys):
    plan = json.loads(run(capsys, PLAN + ["--format", "json"]))
    atg = next(d for d in plan["drugs"] if d["drug"] == ATG)
    assert atg["certainty"] == "verified" and atg["schedule_certainty"] == "unverified"
    days = [a for a in plan["administrations"] if a["drug"] == ATG]
    assert [a["study_day"] for a in days] == [-5, -4, -3, -2]
    assert all(a["certainty"] == "verified" and a["schedule_certainty"] == "unverified" for a in days)
    csa = next(d for d in plan["drugs"] if d["drug"] == "Ciclosporin A")
    assert (csa["certainty"], csa["schedule_certainty"]) == ("verified", "verified")  # as published in S1


def test_json_validates_against_schema(capsys):
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads(run(capsys, ["schema", "transplant-plan"]))
    for extra in ([], ["--option", "conditioning=tbi-cy", "--option", "serotherapy=alg"]):
        jsonschema.validate(json.loads(run(capsys, PLAN + extra + ["--format", "json"])), schema)


def test_html_flags_atg_schedule_not_dose(capsys, tmp_path):
    target = tmp_path / "plan.html"
    main(PLAN + ["--format", "html", "-o", str(target)])
    html = target.read_text()
    row = next(r for r in html.split("<tr>") if r.startswith(f"<td>{ATG}"))
    assert "UNVERIFIED dose" not in row and "[UNVERIFIED schedule]" in row
    assert "UNVERIFIED schedule (" in html


def test_tbi_option_text_marks_schedule_only(capsys):
    out = run(capsys, PLAN + ["--option", "conditioning=tbi-cy"])
    line = next(x for x in out.splitlines() if x.strip().startswith("Total body irradiation (TBI)"))
    assert "[UNVERIFIED]" not in line and "12 Gy total" in line  # S1: 12 Gy (verified); fractions assumed


def test_open_ended_drugs_have_no_total_against_s1(capsys):
    # S1 gives no end for CsA, aciclovir, G-CSF, LMWH, UDCA: a sum to --until would change with --until
    plans = [json.loads(run(capsys, PLAN + ["--format", "json", "--until", str(u)])) for u in (30, 60)]
    for plan in plans:
        for d in plan["drugs"]:
            if d["dose_set_by_centre"]:  # phenytoin taper: steps set by the centre, no total
                assert d["total_dose"] is None and d["max_amount_per_day"]["value"] > 0
            elif d["drug"] in OPEN_ENDED:
                assert d["continues_beyond_calendar"] and d["total_dose"] is None and d["total_amount"] is None
            else:
                assert d["total_dose"] is not None and d["total_amount"] is not None
    # CsA 5 mg/kg/day x 5.2 kg = 26 mg/day, the same whatever the calendar end
    for plan in plans:
        csa = next(d for d in plan["drugs"] if d["drug"] == "Ciclosporin A")
        assert csa["dose_per_day"] == {"value": 5, "unit": "mg/kg/day"}
        assert csa["amount_per_day"] == {"value": 26, "unit": "mg"}
    # fixed course kept: ATG 10 mg/kg x 5.2 kg = 52 mg; cyclophosphamide 200 mg/kg x 5.2 = 1040 mg
    totals = {d["drug"]: d["total_amount"]["value"] for d in plans[1]["drugs"] if d["total_amount"]}
    assert totals[ATG] == 52 and totals["Cyclophosphamide"] == 1040


def test_open_ended_text_shows_per_day_and_continuation(capsys):
    out = run(capsys, PLAN + ["--until", "45"])
    line = next(x for x in out.splitlines() if x.strip().startswith("Ciclosporin A:"))
    assert "26 mg/day" in line and "continues beyond day +45 (end not given by the source)" in line
    assert "total" not in line
    assert "total over the calendar" not in out


def test_surveillance_csv_rows_weekly_within_calendar(capsys):
    rows = list(csv.DictReader(io.StringIO(run(capsys, PLAN + ["--format", "csv", "--until", "30"]))))
    assert {r["kind"] for r in rows} == {"drug", "surveillance"}
    surv = [r for r in rows if r["kind"] == "surveillance"]
    # weekly from day 0 to +30: 0, 7, 14, 21, 28
    assert [int(r["study_day"]) for r in surv] == [0, 7, 14, 21, 28]
    assert all("CMV" in r["drug"] and r["amount_value"] == "" and r["citations"] == "S1" for r in surv)
    assert [r["date"] for r in surv][:2] == ["2027-01-15", "2027-01-22"]


def test_surveillance_ics_events_parse_with_icalendar(capsys, tmp_path):
    icalendar = pytest.importorskip("icalendar")
    target = tmp_path / "plan.ics"
    main(PLAN + ["--format", "ics", "--until", "29", "-o", str(target)])
    cal = icalendar.Calendar.from_ical(target.read_bytes())
    events = list(cal.walk("VEVENT"))
    surv = [e for e in events if "surveillance" in [str(x) for x in e["CATEGORIES"].cats]]
    # weekly from day 0 to +29: 0, 7, 14, 21, 28 -> 2027-01-15 .. 2027-02-12, one all-day event each
    assert [str(e["DTSTART"].dt) for e in surv] == ["2027-01-15", "2027-01-22", "2027-01-29", "2027-02-05",
                                                     "2027-02-12"]
    assert all((e["DTEND"].dt - e["DTSTART"].dt).days == 1 for e in surv)
    assert all("CMV, EBV and adenovirus" in str(e["SUMMARY"]) for e in surv)
    assert all("Decision support" in str(e["DESCRIPTION"]) for e in surv)
    assert len({str(e["UID"]) for e in events}) == len(events)
    # --until 27: day +28 falls outside the calendar
    main(PLAN + ["--format", "ics", "--until", "27", "-o", str(target)])
    cal = icalendar.Calendar.from_ical(target.read_bytes())
    assert sum("surveillance" in [str(x) for x in e["CATEGORIES"].cats] for e in cal.walk("VEVENT")) == 4
