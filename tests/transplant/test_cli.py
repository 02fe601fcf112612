"""End to end through the CLI on the examples: plan (text/json/csv/ics/html/pdf), monitor, refusals."""

import copy
import csv
import io
import json
import shutil
from pathlib import Path

import pytest

from rarebone.cli import main
from rarebone.intake.phenopacket import read_phenopacket_dict
from rarebone.knowledge import load
from rarebone.workflows.monitor import monitor

EX = Path(__file__).resolve().parents[2] / "examples" / "transplant"
PLAN_CHILD = EX / "tcirg1-infant-plan.json"
SERIES = EX / "tcirg1-post-hsct-series.json"
PLAN = ["plan", str(PLAN_CHILD), "--protocol", "beijing-haplo", "--day0", "2027-01-15"]


def run(capsys, args):
    try:
        main(args)
        code = 0
    except SystemExit as exc:
        code = exc.code
    out = capsys.readouterr()
    return code, out.out, out.err


def test_plan_text_shows_notice_bsa_and_assumed_schedule(capsys):
    code, out, _ = run(capsys, PLAN)
    assert code == 0
    kb = load()
    assert kb.get("NOTICE-DECISION-SUPPORT").text in out
    assert "BSA 0.289 m2 (Mosteller)" in out
    assert "schedule assumed from" in out
    assert kb.version in out
    assert "[S1]" in out


def test_plan_json_contract_fields(capsys):
    code, out, _ = run(capsys, PLAN + ["--format", "json"])
    assert code == 0
    plan = json.loads(out)
    for field in ("patient_id", "weight_kg", "height_cm", "bsa_m2", "bsa_formula", "protocol", "warnings", "administrations"):
        assert field in plan
    assert {"id", "name", "citations"} <= set(plan["protocol"])
    a = plan["administrations"][0]
    assert {"drug", "study_day", "date", "dose", "amount", "route", "assumed_from"} <= set(a)
    assert {"value", "unit"} <= set(a["dose"]) and {"value", "unit"} <= set(a["amount"])


def test_plan_haycock_selectable(capsys):
    code, out, _ = run(capsys, PLAN + ["--format", "json", "--bsa-formula", "haycock"])
    plan = json.loads(out)
    # Haycock 0.024265 x 5.2^0.5378 x 58^0.3964 = 0.024265 x 2.4270 x 5.0010 = 0.2945
    assert plan["bsa_formula"] == "haycock" and plan["bsa_m2"] == pytest.approx(0.2945, abs=2e-4)


def test_plan_csv_rows_per_drug_day(capsys):
    code, out, _ = run(capsys, PLAN + ["--format", "csv"])
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))  # header first: imports with no preprocessing
    assert rows[0]["notice"] == load().get("NOTICE-DECISION-SUPPORT").text
    assert rows[0]["knowledge_version"] == load().version
    plan = json.loads(run(capsys, PLAN + ["--format", "json"])[1])
    assert len([r for r in rows if r["kind"] == "drug"]) == len(plan["administrations"])
    assert len([r for r in rows if r["kind"] == "surveillance"]) == len(plan["surveillance"])
    bu = [r for r in rows if r["drug"] == "Busulfan"]
    assert len(bu) == 4 and all(r["amount_value"] == "20.8" for r in bu)  # 1.0 mg/kg x 4 x 5.2 kg


def test_plan_ics_parses_with_icalendar(capsys, tmp_path):
    icalendar = pytest.importorskip("icalendar")
    target = tmp_path / "plan.ics"
    code, _, _ = run(capsys, PLAN + ["--format", "ics", "-o", str(target)])
    assert code == 0
    raw = target.read_bytes()
    assert b"\r\n" in raw and all(len(line) <= 75 for line in raw.split(b"\r\n"))
    cal = icalendar.Calendar.from_ical(raw)
    events = [c for c in cal.walk() if c.name == "VEVENT"
              and "surveillance" not in [str(x) for x in c["CATEGORIES"].cats]]
    plan = json.loads(run(capsys, PLAN + ["--format", "json"])[1])
    assert len(events) == len(plan["administrations"])
    assert len({str(e["UID"]) for e in events}) == len(events)
    first = events[0]
    assert str(first["DTSTART"].dt) == plan["administrations"][0]["date"]
    assert "schedule assumed from" in str(first["DESCRIPTION"]) or "as published" in str(first["DESCRIPTION"])


def test_plan_html(capsys, tmp_path):
    target = tmp_path / "plan.html"
    assert run(capsys, PLAN + ["--format", "html", "-o", str(target)])[0] == 0
    html = target.read_text()
    assert "Decision support only" in html and "schedule assumed from" in html and "Mosteller" in html


@pytest.mark.skipif(not (shutil.which("chromium") or shutil.which("chromium-browser")),
                    reason="Chromium not installed (.ci/run installs it)")
def test_plan_pdf(capsys, tmp_path):
    target = tmp_path / "plan.pdf"
    assert run(capsys, PLAN + ["--format", "pdf", "-o", str(target)])[0] == 0
    assert target.read_bytes()[:5] == b"%PDF-"


def test_plan_refuses_implausible_weight_exit_2(capsys, tmp_path):
    target = tmp_path / "plan.txt"
    code, _, err = run(capsys, PLAN + ["--weight", "52", "--height", "58", "-o", str(target)])
    assert code == 2 and "implausible" in err and len(err.strip().splitlines()) == 1
    assert not target.exists()


def test_plan_unknown_protocol_exit_2(capsys):
    code, _, err = run(capsys, ["plan", str(PLAN_CHILD), "--protocol", "nope", "--day0", "2027-01-15"])
    assert code == 2 and "beijing-haplo" in err


def test_plan_busulfan_auc_option(capsys):
    code, out, _ = run(capsys, PLAN + ["--format", "json", "--busulfan-auc", "1150", "--after-dose", "4"])
    plan = json.loads(out)
    assert plan["busulfan_tdm"]["factor"] == pytest.approx(13400 / 13800, abs=1e-6)  # (16 x 1125 - 4 x 1150) / (12 x 1150)
    assert run(capsys, PLAN + ["--busulfan-auc", "1150"])[0] == 2  # needs --after-dose


def test_schema_commands(capsys):
    code, out, _ = run(capsys, ["schema", "transplant-plan"])
    assert code == 0 and "administrations" in json.loads(out)["properties"]
    code, out, _ = run(capsys, ["schema", "monitoring-report"])
    assert code == 0 and "neutrophil_engraftment_day" in json.loads(out)["properties"]


def test_monitor_json_on_example(capsys):
    code, out, _ = run(capsys, ["monitor", str(SERIES), "--format", "json"])
    assert code == 0
    r = json.loads(out)
    # ANC > 0.5 on days 14, 15; 16-17 not observed; 18, 19, 20 -> day +18, never +14 across the gap
    assert r["neutrophil_engraftment_day"] == 18
    # platelets > 50 from day 26 (20 + 6 x 6 = 56); last transfusion day 18 -> 26 eligible; 7 days 26..32
    assert r["platelet_engraftment_day"] == 26
    for key in ("graft_failure", "chimerism", "agvhd", "cgvhd", "vod", "alerts"):
        assert key in r
    assert r["day0"] == "2027-01-15"
    assert any("hypercalcaemia" in a["text"].lower() for a in r["alerts"])
    assert r["neutrophil_engraftment"]["citations"]


def test_monitor_astct_definition_is_named(capsys):
    code, out, _ = run(capsys, ["monitor", str(SERIES), "--format", "json", "--platelet-definition", "astct"])
    r = json.loads(out)
    assert r["platelet_definition"].startswith("astct")
    # >= 20 on 3 days with no transfusion in the 7 days before: 20 + 6 x (d - 20) >= 20 from day 20, but day 18
    # transfusion excludes days 18-25 -> first eligible day 26
    assert r["platelet_engraftment_day"] == 26


def test_monitor_html_has_chart(capsys, tmp_path):
    target = tmp_path / "m.html"
    assert run(capsys, ["monitor", str(SERIES), "--format", "html", "-o", str(target)])[0] == 0
    html = target.read_text()
    assert "data:image/png;base64," in html and "Decision support only" in html


def _series_doc():
    return json.loads(SERIES.read_text())


def test_monitor_unit_conversion_cells_per_ul(kb=None):
    kb = load()
    doc = _series_doc()
    r1 = monitor(kb, read_phenopacket_dict(doc).patient)
    doc2 = copy.deepcopy(doc)
    for m in doc2["measurements"]:
        if m["assay"]["id"] == "LOINC:751-8":
            q = m["value"]["quantity"]
            if q["unit"]["id"] == "UCUM:10*9/L":
                q["value"] = round(q["value"] * 1000, 6)
                q["unit"] = {"id": "UCUM:/uL", "label": "/uL"}
    r2 = monitor(kb, read_phenopacket_dict(doc2).patient)
    assert r1.neutrophil_engraftment_day == r2.neutrophil_engraftment_day == 18


def test_monitor_unknown_unit_names_the_measurement(capsys, tmp_path):
    doc = _series_doc()
    doc["measurements"][0]["value"]["quantity"]["unit"] = {"id": "UCUM:mg", "label": "mg"}
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(doc))
    code, _, err = run(capsys, ["monitor", str(path)])
    assert code == 2 and "$.measurements[0]" in err and "unit" in err


def test_monitor_day0_needed(capsys, tmp_path):
    doc = _series_doc()
    doc["medicalActions"] = [a for a in doc["medicalActions"] if a["procedure"]["code"]["id"] != "NCIT:C46089"]
    path = tmp_path / "noday0.json"
    path.write_text(json.dumps(doc))
    code, _, err = run(capsys, ["monitor", str(path)])
    assert code == 2 and "--day0" in err
    assert run(capsys, ["monitor", str(path), "--day0", "2027-01-15", "--format", "json"])[0] == 0


def test_monitor_extension_errors_name_the_path(capsys, tmp_path):
    doc = _series_doc()
    doc["rareboneExtensions"]["transplant"]["gvhd"][0]["upperGiPersistent"] = "yes"
    path = tmp_path / "badext.json"
    path.write_text(json.dumps(doc))
    code, _, err = run(capsys, ["monitor", str(path)])
    assert code == 2 and "$.rareboneExtensions.transplant.gvhd[0].upperGiPersistent" in err


def test_plan_ics_structure_and_notice_with_tbi(capsys, tmp_path):
    # structural check independent of the icalendar parser: balanced BEGIN/END, all-day DTSTART, unique UIDs,
    # CRLF only, folded lines <= 75 octets; TBI events in Gy, never mg
    target = tmp_path / "plan.ics"
    code, _, _ = run(capsys, PLAN + ["--option", "conditioning=tbi-cy", "--format", "ics", "-o", str(target)])
    assert code == 0
    raw = target.read_bytes()
    assert b"\n" not in raw.replace(b"\r\n", b"") and raw.endswith(b"\r\n")
    lines = raw.decode("utf-8").split("\r\n")[:-1]
    assert all(len(line.encode("utf-8")) <= 75 for line in lines)
    unfolded = "\r\n".join(lines).replace("\r\n ", "").split("\r\n")
    assert unfolded[0] == "BEGIN:VCALENDAR" and unfolded[-1] == "END:VCALENDAR"
    assert sum(x == "BEGIN:VEVENT" for x in unfolded) == sum(x == "END:VEVENT" for x in unfolded) > 0
    starts = [x for x in unfolded if x.startswith("DTSTART")]
    assert starts and all(x.startswith("DTSTART;VALUE=DATE:") for x in starts)
    uids = [x for x in unfolded if x.startswith("UID:")]
    assert len(uids) == len(set(uids)) == len(starts)
    tbi = [x for x in unfolded if x.startswith("SUMMARY:") and "Total body irradiation" in x]
    assert len(tbi) == 3 and all("4 Gy" in x for x in tbi)
    assert "Decision support" in raw.decode("utf-8").replace("\r\n ", "")


def test_hypercalcaemia_line_says_when_no_calcium_was_measured():
    """Without a calcium value the line must not read as reassurance ("no calcium above 11 mg/dL")."""
    doc = json.loads((EX / "tma-aiha-course.json").read_text())
    report = monitor(load(), read_phenopacket_dict(doc).patient)
    assert report.hypercalcaemia.summary.startswith("no calcium recorded")
    assert "to at least day +60" in report.hypercalcaemia.summary
