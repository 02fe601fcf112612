"""Transplant, CNO and cohort pages through FastAPI's TestClient: roles, validation beside the fields, the
pharmacist's sign-off, monitoring labs and GVHD grades as the rooms compute them, CNO visits, the cohort report
job, escaping and the audit trail. (Browser tests: test_clinical_browser.py.)"""

from __future__ import annotations

import datetime as dt
import re
import time

import pytest

from tests.web.clinical_seed import TODAY, TX_DATE, cno_child, seed, transplant_child
from tests.web.conftest import csrf, sign_in

HOSTILE = '</textarea><script>alert("x")</script><style>body{display:none}</style>\'"&'


def field_errors(html: str) -> list[str]:
    return re.findall(r'class="(?:field-error|error)"[^>]*>([^<]*)<', html)


def audit_rows(client, action: str):
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from rarebone.registry.models import AuditRow

    with Session(client.app.state.workbench.engine) as s:
        return list(s.scalars(select(AuditRow).where(AuditRow.action == action)))


def make_plan(client, key="WEB-TX-1", **fields):
    data = {"csrf_token": csrf(client), "protocol": "beijing-haplo", "day0": str(TX_DATE), **fields}
    return client.post(f"/transplant/{key}/plans", data=data, follow_redirects=False)


# ------------------------------------------------------------------------------------------------------ roles

@pytest.mark.parametrize("path", ["/transplant", "/transplant/WEB-TX-1", "/transplant/WEB-TX-1/monitor", "/cno",
                                  "/cno/WEB-CNO-1"])
def test_researcher_cannot_open_patient_pages(client, path):
    seed(client.app, transplant_child(), cno_child())
    sign_in(client, "researcher")
    assert client.get(path).status_code == 403


def test_pharmacist_reads_plans_but_cannot_make_one_or_enter_labs(client):
    seed(client.app, transplant_child())
    sign_in(client, "pharmacist")
    assert client.get("/transplant/WEB-TX-1").status_code == 200
    assert make_plan(client).status_code == 403
    r = client.post("/transplant/WEB-TX-1/labs", data={"csrf_token": csrf(client), "date": str(TODAY), "anc": "1"})
    assert r.status_code == 403
    assert client.get("/cno/WEB-CNO-1").status_code == 403  # CNO pages are the clinicians'


def test_forms_refuse_a_forged_csrf_token(client):
    seed(client.app, transplant_child())
    sign_in(client, "clinician")
    r = client.post("/transplant/WEB-TX-1/plans", data={"csrf_token": "forged", "protocol": "beijing-haplo",
                                                         "day0": str(TX_DATE)})
    assert r.status_code == 403


# ------------------------------------------------------------------------------------------------------ plans

def test_plan_is_made_then_signed_by_a_pharmacist_with_name_and_time(client, web_app):
    from fastapi.testclient import TestClient

    seed(client.app, transplant_child())
    sign_in(client, "clinician")
    r = make_plan(client)
    assert r.status_code == 303
    url = r.headers["location"]
    page = client.get(url).text
    assert "Not signed by a pharmacist" in page and "Sign off as pharmacist" not in page  # clinicians cannot sign
    assert client.post(url + "/sign", data={"csrf_token": csrf(client), "confirm": "yes"}).status_code == 403
    with TestClient(web_app, base_url="http://testserver") as pharmacy:
        name = sign_in(pharmacy, "pharmacist")
        unticked = pharmacy.post(url + "/sign", data={"csrf_token": csrf(pharmacy)})
        assert "Tick the box" in unticked.text and "Not signed by a pharmacist" in unticked.text
        signed = pharmacy.post(url + "/sign", data={"csrf_token": csrf(pharmacy), "confirm": "yes"}).text
        assert "Signed by pharmacist Test Pharmacist" in signed and f"({name}@workbench)" in signed
        assert re.search(r"on \d{4}-\d\d-\d\d \d\d:\d\d UTC", signed)
    rows = audit_rows(client, "sign")
    assert [r.actor for r in rows] == [f"{name}@workbench"]
    assert [r.actor.split("@")[1] for r in audit_rows(client, "plan")] == ["workbench"]


def test_plan_downloads_are_the_command_line_renderings(client):
    seed(client.app, transplant_child())
    sign_in(client, "clinician")
    url = make_plan(client).headers["location"]
    ics = client.get(url + ".ics")
    assert ics.status_code == 200 and ics.text.startswith("BEGIN:VCALENDAR")
    csv = client.get(url + ".csv")
    assert csv.status_code == 200 and "busulfan" in csv.text.lower()
    pdf = client.get(url + ".pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert client.get(url + ".exe").status_code == 404
    assert len(audit_rows(client, "export")) == 3


def test_plan_without_a_weight_is_refused_beside_the_weight_field(client):
    seed(client.app, transplant_child(weight=None))
    sign_in(client, "clinician")
    r = make_plan(client)
    assert r.status_code == 422
    assert re.search(r'id="err-weight">[^<]*never guessed', r.text)


def test_plan_with_an_implausible_weight_is_refused_beside_the_weight_field(client):
    seed(client.app, transplant_child())
    sign_in(client, "clinician")
    r = make_plan(client, weight="80")  # an 8-month-old: the plan room's WHO-based plausibility check refuses
    assert r.status_code == 422
    assert re.search(r'id="err-weight">weight 80 kg is implausible', r.text)


@pytest.mark.parametrize("fields, field", [({"day0": "2027-02-30"}, "day0"), ({"protocol": ""}, "protocol"),
                                           ({"protocol": "no-such"}, "protocol"), ({"weight": "abc"}, "weight"),
                                           ({"weight": "-3"}, "weight"), ({"options": "serotherapy"}, "options"),
                                           ({"options": "serotherapy=horse"}, "options"), ({"until": "x"}, "until")])
def test_plan_form_says_which_field_is_wrong(client, fields, field):
    seed(client.app, transplant_child())
    sign_in(client, "clinician")
    r = make_plan(client, **fields)
    assert r.status_code == 422
    assert f'id="err-{field}"' in r.text


def test_hostile_patient_key_is_escaped_on_the_plan_page_and_in_the_printed_header(client):
    """A key is pseudonymous text from an import: on the page, in the calendar and in the PDF's CSS page header
    (report/_print.html's css_string) it stays text. ('/' cannot be in a URL segment, so the key has none.)"""
    from urllib.parse import quote

    from rarebone.registry.store import normalise
    from rarebone.report import transplant as rt
    from rarebone.web.pages.transplant import compute_plan, plan_inputs

    key = 'K"><img src=x onerror=alert(1)><style>body{display:none}\'";}'
    seed(client.app, transplant_child(key=key))
    sign_in(client, "clinician")
    r = make_plan(client, key=quote(key, safe=""))
    assert r.status_code == 303
    page = client.get(r.headers["location"]).text
    assert "<img src=x" not in page and "&lt;img src=x onerror=alert(1)&gt;" in page
    assert "<style>body" not in page
    args, errors = plan_inputs({"protocol": "beijing-haplo", "day0": str(TX_DATE)})
    printed = rt.plan_html(compute_plan(normalise(transplant_child(key=key)), args))
    assert "<img src=x" not in printed and "<style>body" not in printed
    header = re.search(r"@top-left \{ content: (.*?); font", printed).group(1)
    assert header.startswith('"') and not re.search(r"""[<>{}"';\n]""", header[1:-1])  # one CSS string, all escaped


# ------------------------------------------------------------------------------------------------- monitoring

def labs(client, day: int, **values):
    data = {"csrf_token": csrf(client), "date": str(TX_DATE + dt.timedelta(days=day)), **values}
    return client.post("/transplant/WEB-TX-1/labs", data=data, follow_redirects=False)


def test_monitoring_labs_show_neutrophil_engraftment(client):
    """Three consecutive days of ANC >= 0.5 x10^9/L (TX-ENGRAFT-NEUTROPHIL): engraftment on the first of them;
    before the third day the same page says not reached."""
    seed(client.app, transplant_child())
    sign_in(client, "clinician")
    for day in (12, 13):
        assert labs(client, day, anc="0.6", platelets="20").status_code == 303
    assert "Neutrophil engraftment not reached" in client.get("/transplant/WEB-TX-1/monitor").text
    assert labs(client, 14, anc="0.7", platelets="25").status_code == 303
    page = client.get("/transplant/WEB-TX-1/monitor").text
    assert "Neutrophil engraftment on day +12" in page
    chart = re.search(r'<img class="chart"[^>]* src="([^"]+)"', page).group(1)
    svg = client.get(chart.replace("&amp;", "&"))
    assert svg.status_code == 200 and svg.headers["content-type"].startswith("image/svg+xml")
    assert "neutrophil engraftment d+12" in svg.text
    assert audit_rows(client, "monitor")


def test_monitoring_page_holds_no_chart_and_the_chart_is_drawn_once_per_data_version(client, monkeypatch):
    """The page links its chart (no image inside the HTML); the chart's ETag is the data version: asked again
    with it, 304 and nothing drawn; a lab saved changes the version, so the page links a new chart."""
    from rarebone.report import chart_svg

    seed(client.app, transplant_child())
    sign_in(client, "clinician")
    assert labs(client, 5, anc="0.3", platelets="15").status_code == 303
    page = client.get("/transplant/WEB-TX-1/monitor").text
    assert "data:image" not in page
    url = re.search(r'<img class="chart"[^>]* src="([^"]+)"', page).group(1).replace("&amp;", "&")
    drawn = []
    real = chart_svg.engraftment_chart_svg
    monkeypatch.setattr(chart_svg, "engraftment_chart_svg", lambda *a: drawn.append(a) or real(*a))
    first = client.get(url)
    assert first.status_code == 200 and first.headers["etag"]
    again = client.get(url)
    assert again.text == first.text and len(drawn) == 1  # drawn once for this version
    assert client.get(url, headers={"If-None-Match": first.headers["etag"]}).status_code == 304
    assert len(drawn) == 1
    assert labs(client, 6, anc="0.4", platelets="18").status_code == 303
    page2 = client.get("/transplant/WEB-TX-1/monitor").text
    url2 = re.search(r'<img class="chart"[^>]* src="([^"]+)"', page2).group(1).replace("&amp;", "&")
    assert url2 != url
    changed = client.get(url2, headers={"If-None-Match": first.headers["etag"]})
    assert changed.status_code == 200 and changed.headers["etag"] != first.headers["etag"] and len(drawn) == 2


def test_monitoring_chart_is_refused_to_researchers_and_missing_without_labs(client):
    seed(client.app, transplant_child())
    sign_in(client, "researcher")
    assert client.get("/transplant/WEB-TX-1/monitor/chart.svg").status_code == 403
    client.cookies.clear()
    sign_in(client, "clinician")
    assert client.get("/transplant/WEB-TX-1/monitor/chart.svg").status_code == 404
    assert client.get("/transplant/NO-SUCH/monitor/chart.svg").status_code == 404


def test_monitoring_chart_svg_has_no_script_and_draws_every_point():
    """An image of the page: presentation attributes only (the CSP forbids inline style and script); one marker
    per observed day; a line broken where a day was not observed."""
    from rarebone.report.chart_svg import engraftment_chart_svg

    svg = engraftment_chart_svg([(1, 0.1), (2, 0.3), (5, 0.6)], [(1, 10.0), (3, 30.0)], [2], 5, None, 0.5, 20.0)
    assert "<script" not in svg and "style=" not in svg and "<style" not in svg
    assert svg.count("<circle") == 3 and svg.count('width="5" height="5"') == 2  # ANC circles, platelet squares
    assert svg.count("<polyline") == 1  # days 1-2 joined; day 5 alone; platelets 1 and 3 not joined
    assert "neutrophil engraftment d+5" in svg and "platelet transfusion" in svg


def test_monitoring_page_opens_with_the_transplant_before_any_post_transplant_lab(client):
    """The child's weight and height were measured before day 0: no post-transplant lab yet. The page shows the
    transplant and says so plainly, with the lab form; the first lab after day 0 brings the report."""
    seed(client.app, transplant_child())
    sign_in(client, "clinician")
    r = client.get("/transplant/WEB-TX-1/monitor")
    assert r.status_code == 200
    assert "cannot be made" not in r.text
    assert f"day 0 = <strong>{TX_DATE}</strong>" in r.text
    assert "There are no post-transplant labs yet." in r.text
    assert 'action="/transplant/WEB-TX-1/labs"' in r.text and "Decision support" in r.text
    assert labs(client, 1, anc="0.1").status_code == 303
    after = client.get("/transplant/WEB-TX-1/monitor").text
    assert "There are no post-transplant labs yet." not in after and "Neutrophil engraftment" in after


def test_monitoring_page_without_any_measurement_says_there_are_no_labs(client):
    record = transplant_child()
    record["measurements"] = []
    seed(client.app, record)
    sign_in(client, "clinician")
    page = client.get("/transplant/WEB-TX-1/monitor").text
    assert "There are no post-transplant labs yet." in page and "No dated ANC or platelet count yet." in page


def test_monitoring_lab_entry_checks_its_fields(client):
    seed(client.app, transplant_child())
    sign_in(client, "clinician")
    assert "not a number" in field_errors(labs(client, 3, anc="lots").text)
    assert "enter at least one value" in field_errors(labs(client, 3).text)
    future = client.post("/transplant/WEB-TX-1/labs", data={"csrf_token": csrf(client), "anc": "1",
                                                             "date": str(TODAY + dt.timedelta(days=2))})
    assert "a date after today" in field_errors(future.text)


def gvhd(client, day: int, **values):
    data = {"csrf_token": csrf(client), "date": str(TX_DATE + dt.timedelta(days=day)), **values}
    return client.post("/transplant/WEB-TX-1/gvhd", data=data, follow_redirects=True)


def test_gvhd_entry_grades_at_once_as_the_monitoring_room_does(client):
    """Skin: rash of 30% BSA is MAGIC stage 2 (from 25%, HARRIS2016), 20% is stage 1; alone -> grade I."""
    seed(client.app, transplant_child())
    sign_in(client, "clinician")
    labs(client, 10, anc="0.2")  # the monitoring room needs an observation after day 0 (the weights are before)
    r = gvhd(client, 20, skin_rash_bsa_pct="30", upper_gi="no")
    assert "grade I (MAGIC)" in r.text
    row = re.search(r'<table id="gvhd-days">.*?</table>', r.text, re.S).group(0)
    assert "<td>+20</td><td>2</td>" in row
    r = gvhd(client, 21, skin_rash_bsa_pct="20")
    assert re.search(r"<td>\+21</td><td>1</td>", r.text)
    assert [a.actor.endswith("@workbench") for a in audit_rows(client, "gvhd")] == [True, True]


def test_gvhd_preview_api_gives_the_grade_before_saving(client):
    seed(client.app, transplant_child())
    sign_in(client, "clinician")
    labs(client, 10, anc="0.2")
    token = csrf(client)
    r = client.post("/api/transplant/WEB-TX-1/gvhd-grade", headers={"X-CSRF-Token": token},
                    json={"date": str(TX_DATE + dt.timedelta(days=25)), "skin_rash_bsa_pct": "60"})
    assert r.status_code == 200
    assert r.json()["skin"] == 3 and r.json()["grade"] == "II" and "liver" in r.json()["unassessed"]
    assert client.get("/transplant/WEB-TX-1/monitor").text.count("<td>+25</td>") == 0  # nothing saved
    bad = client.post("/api/transplant/WEB-TX-1/gvhd-grade", headers={"X-CSRF-Token": token},
                      json={"date": str(TX_DATE), "skin_rash_bsa_pct": "160"})
    assert bad.status_code == 422 and "100" in bad.json()["error"]
    assert client.post("/api/transplant/WEB-TX-1/gvhd-grade", headers={"X-CSRF-Token": token},
                       content=b"{", ).status_code in (400, 422)


def test_gvhd_entry_refuses_an_empty_or_out_of_range_form(client):
    seed(client.app, transplant_child())
    sign_in(client, "clinician")
    labs(client, 10, anc="0.2")
    assert "enter at least one organ finding" in field_errors(gvhd(client, 20).text)
    r = gvhd(client, 20, skin_rash_bsa_pct="101")
    assert r.status_code == 422 and any("100" in e for e in field_errors(r.text))
    r = gvhd(client, -3, skin_rash_bsa_pct="10")
    assert "before day 0" in " ".join(field_errors(r.text))


# -------------------------------------------------------------------------------------------------------- CNO

def visit(client, days_ago: int, **values):
    data = {"csrf_token": csrf(client), "date": str(TODAY - dt.timedelta(days=days_ago)), **values}
    return client.post("/cno/WEB-CNO-1/visits", data=data, follow_redirects=True)


def test_cno_visits_build_the_lesion_timeline_and_the_ladder(client):
    from sqlalchemy.orm import Session

    from rarebone.web.records import load_record

    seed(client.app, cno_child())
    sign_in(client, "clinician")
    r = visit(client, 90, label=HOSTILE, pain="7", pga="6", crp="12", esr="30", modality="wbmri",
              **{"l0-site": "clavicle", "l0-side": "left", "l0-part": "medial", "l0-intensity": "marked",
                 "l1-site": "femur", "l1-side": "right"})
    assert r.status_code == 200 and "CNO visit of" in r.text
    assert "<script>alert" not in r.text and "&lt;script&gt;" in r.text
    r = visit(client, 2, pain="2", pga="1", modality="wbmri",
              **{"l0-site": "clavicle", "l0-side": "left", "l0-part": "medial", "l0-intensity": "mild"})
    assert 'id="lesion-timeline"' in r.text and 'id="activity-chart"' in r.text
    assert "2 baseline lesions -&gt; 1 resolved, 1 improved" in r.text
    assert "Treatment ladder" in r.text and "Published options next" in r.text
    with Session(client.app.state.workbench.read_engine) as s:
        stored = load_record(s, "WEB-CNO-1")
    assert [v["pain_vas_0_10"] for v in stored["cno_visits"]] == [7.0, 2.0]
    assert [v["active_lesions"] for v in stored["cno_visits"]] == [2, 1]
    assert sorted(m["analyte"] for m in stored["measurements"] if m["analyte"] in ("crp", "esr")) == ["crp", "esr"]


def test_cno_visit_pain_above_the_scale_is_refused_beside_the_field(client):
    """Patient pain is 0-10 (docs/cno-extension.md): 10 is accepted, 10.5 refused by the CNO record reader."""
    seed(client.app, cno_child())
    sign_in(client, "clinician")
    bad = visit(client, 5, pain="10.5")
    assert bad.status_code == 422 and re.search(r'field-error">[^<]*patientPain', bad.text)
    assert visit(client, 5, pain="10").status_code == 200


@pytest.mark.parametrize("fields, message", [
    ({"l0-site": "clavicle", "modality": "wbmri"}, "a paired bone: left or right"),
    ({"l0-site": "sternum", "l0-side": "left", "modality": "wbmri"}, "not a paired bone: no side"),
    ({"l0-site": "femur", "l0-side": "left"}, "lesions need the imaging study"),
    ({"l0-site": "elbow", "modality": "wbmri"}, "choose a site from the list"),
    ({"l0-site": "clavicle", "l0-side": "left", "l0-part": "diaphysis", "modality": "wbmri"}, "one of medial"),
    ({}, "enter at least one finding")])
def test_cno_visit_form_checks_lesions_against_the_site_vocabulary(client, fields, message):
    seed(client.app, cno_child())
    sign_in(client, "clinician")
    r = visit(client, 5, **fields)
    assert r.status_code == 422 and any(message in e for e in field_errors(r.text)), field_errors(r.text)


def test_cno_ladder_without_a_weight_gives_no_dose_and_says_why(client):
    seed(client.app, cno_child(weight=None))
    sign_in(client, "clinician")
    page = client.get("/cno/WEB-CNO-1").text
    assert "no pamidronate dose" in page and "Treatment ladder" in page


# ----------------------------------------------------------------------------------------------------- cohort

def test_cohort_expression_builder():
    from rarebone.errors import InputError
    from rarebone.web.pages.cohort import build_expression

    assert build_expression({"f0-field": "diagnosis", "f0-op": "in", "f0-value": "MIOP, IOP",
                             "f1-field": "transplant.hla_matched", "f1-op": ">=", "f1-value": "8",
                             "cohort": "sex == 'female'"}) == \
        "diagnosis in ('MIOP', 'IOP') and transplant.hla_matched >= 8 and (sex == 'female')"
    assert build_expression({"f0-field": "sex", "f0-op": "==", "f0-value": "it's"}) == "sex == \"it's\""
    for bad in ({"f0-field": "patient_key", "f0-op": "==", "f0-value": "x"},  # identifying: not offered
                {"f0-field": "sex", "f0-op": "~", "f0-value": "x"}, {"f0-field": "sex", "f0-op": "=="}):
        with pytest.raises(InputError):
            build_expression(bad)


def wait_for(client, url: str) -> str:
    for _ in range(120):
        page = client.get(url).text
        if "Running:" not in page:
            return page
        time.sleep(0.5)
    raise AssertionError("the report did not finish")


def test_researcher_runs_a_cohort_report_and_sees_no_patient(client):
    from rarebone.registry import demo

    records = list(demo.generate(60))
    seed(client.app, *records)
    sign_in(client, "researcher")
    r = client.post("/cohort/reports", data={"csrf_token": csrf(client), "f0-field": "diagnosis", "f0-op": "in",
                                             "f0-value": "MIOP, IOP", "by": "transplant.donor_type", "at": "12, 60"},
                    follow_redirects=False)
    assert r.status_code == 303
    page = wait_for(client, r.headers["location"])
    assert 'id="results"' in page and page.count("data:image/svg+xml;base64,") >= 2
    assert not any(rec["patient"]["patient_key"] in page for rec in records)
    assert client.get(r.headers["location"] + "/report.json").json()["cohort"]
    assert client.get("/patients/" + records[0]["patient"]["patient_key"]).status_code == 403


def test_cohort_report_error_is_one_sentence_and_reports_are_private(client, web_app):
    from fastapi.testclient import TestClient

    sign_in(client, "clinician")
    r = client.post("/cohort/reports", data={"csrf_token": csrf(client), "cohort": "diagnosis === 'x"},
                    follow_redirects=False)
    page = wait_for(client, r.headers["location"])
    assert "cannot read the cohort expression" in page and "Traceback" not in page
    assert client.post("/cohort/reports", data={"csrf_token": csrf(client), "at": "soon"}).status_code == 422
    with TestClient(web_app, base_url="http://testserver") as other:
        sign_in(other, "researcher")
        assert other.get(r.headers["location"]).status_code == 404


def test_research_export_is_deidentified(client, tmp_path, monkeypatch):
    monkeypatch.setenv("RAREBONE_EXPORT_KEY_FILE", str(tmp_path / "key.json"))
    seed(client.app, transplant_child(notes="Name: Jane Example"))
    sign_in(client, "researcher")
    r = client.get("/cohort/research-export")
    assert r.status_code == 200
    assert "WEB-TX-1" not in r.text and "Jane" not in r.text and "birth_date" not in r.text
    monkeypatch.delenv("RAREBONE_EXPORT_KEY_FILE")
    assert "not configured" in client.get("/cohort/research-export").text


def test_research_export_streams_the_same_lines_and_audits_the_count(client, tmp_path, monkeypatch):
    """Streamed (the cohort is never held in memory): the body is the de-identified records as JSON lines, the
    key file is saved, the audit row counts the records."""
    import json

    monkeypatch.setenv("RAREBONE_EXPORT_KEY_FILE", str(tmp_path / "key.json"))
    seed(client.app, *(transplant_child(f"WEB-TX-{i}") for i in range(5)))
    sign_in(client, "researcher")
    r = client.get("/cohort/research-export")
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/x-ndjson")
    lines = r.text.splitlines()
    assert len(lines) == 5 and all(json.loads(x)["patient"]["diagnosis"] == "MIOP" for x in lines)
    assert (tmp_path / "key.json").exists()
    assert any("(5 de-identified records)" in (a.source or "") for a in audit_rows(client, "export"))


def test_research_export_is_made_one_chunk_at_a_time(tmp_path, monkeypatch):
    """export_lines reads the records lazily: the first chunk is out before the last record is read; a download
    cut off still closes the reading, saves the key and writes an audit row marked interrupted."""
    from rarebone.registry import deidentify as de
    from rarebone.registry import demo
    from rarebone.web.pages import cohort

    monkeypatch.setattr(cohort, "EXPORT_CHUNK", 1)
    read, audits = [], []

    def records():
        for r in demo.generate(50, 2):
            read.append(r["patient"]["patient_key"])
            yield {**r, "patient": {**r["patient"], "birth_date": r["patient"]["birth_date"].isoformat()}}

    key = de.open_key(tmp_path / "key.json")
    stream = cohort.export_lines(records(), key, lambda n, complete: audits.append((n, complete)))
    first = next(stream)
    assert first.endswith("\n") and len(read) < 50
    stream.close()  # the client went away
    assert audits == [(1, False)] and (tmp_path / "key.json").exists()
