"""Transplant, CNO and cohort pages in a real browser (Debian's chromium through Playwright), on SQLite and on
the throwaway PostgreSQL (the ``server`` fixture runs every test on both)."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.web.clinical_seed import TODAY, TX_DATE, cno_child, seed, transplant_child

pytestmark = pytest.mark.browser


def test_clinician_makes_a_plan_and_a_pharmacist_signs_it(server, page_as):
    seed(server.app, transplant_child())
    page = page_as("clinician")
    page.goto(server.url + "/transplant/WEB-TX-1")
    page.select_option("#protocol", "beijing-haplo")
    page.fill("#day0", str(TX_DATE))
    page.click("form.grid button[type=submit]")
    page.wait_for_url("**/plans/*")
    assert "Not signed by a pharmacist" in page.locator("#signoff").inner_text()
    assert page.locator("table.calendar tr").count() > 5 and "Busulfan" in page.locator("table.drugs").inner_text()
    plan_url = page.url
    with page.expect_download() as download:
        page.click("text=Calendar (ICS)")
    assert download.value.suggested_filename.endswith(".ics")

    pharmacist = page_as("pharmacist")
    pharmacist.goto(plan_url)
    pharmacist.check("input[name=confirm]")
    pharmacist.click("text=Sign off as pharmacist")
    pharmacist.wait_for_load_state()
    assert "Signed by pharmacist Test Pharmacist" in pharmacist.locator("#signoff").inner_text()
    page.reload()
    assert "Signed by pharmacist Test Pharmacist" in page.locator("#signoff").inner_text()


def test_plan_without_a_weight_says_so_beside_the_field(server, page_as):
    seed(server.app, transplant_child(weight=None))
    page = page_as("clinician")
    page.goto(server.url + "/transplant/WEB-TX-1")
    page.select_option("#protocol", "beijing-haplo")
    page.fill("#day0", str(TX_DATE))
    page.click("form.grid button[type=submit]")
    assert "never guessed" in page.locator("#err-weight").inner_text()


def test_monitoring_labs_show_engraftment_and_gvhd_grade_appears_as_typed(server, page_as):
    seed(server.app, transplant_child())
    page = page_as("clinician")
    for day, anc in ((12, "0.6"), (13, "0.7"), (14, "0.9")):
        page.goto(server.url + "/transplant/WEB-TX-1/monitor")
        page.fill("#lab-date", str(TX_DATE + dt.timedelta(days=day)))
        page.fill("#lab-anc", anc)
        page.fill("#lab-platelets", "30")
        page.click("text=Save labs")
        page.wait_for_load_state()
    assert "Neutrophil engraftment on day +12" in page.locator("#engraftment").inner_text()
    assert page.locator("img.chart").count() == 1
    page.fill("#g-date", str(TX_DATE + dt.timedelta(days=20)))
    page.fill("#g-skin", "60")
    preview = page.locator("#gvhd-preview")
    preview.filter(has_text="grade II").wait_for()  # the script asked the server while typing
    page.click("text=Save and grade")
    page.wait_for_load_state()
    assert "grade II (MAGIC)" in page.locator(".flash").inner_text()
    assert "+20" in page.locator("#gvhd-days").inner_text()


def test_clinician_enters_a_cno_visit(server, page_as):
    seed(server.app, cno_child())
    page = page_as("clinician")
    page.goto(server.url + "/cno/WEB-CNO-1")
    page.fill("#v-date", str(TODAY - dt.timedelta(days=30)))
    page.fill("#v-label", "baseline")
    page.fill("#v-pain", "6")
    page.fill("#v-pga", "5")
    page.fill("#v-crp", "14")
    page.select_option("#v-modality", "wbmri")
    page.select_option("select[name=l0-site]", "tibia")
    page.select_option("select[name=l0-side]", "left")
    page.select_option("select[name=l0-intensity]", "moderate")
    page.click("text=Save the visit")
    page.wait_for_load_state()
    assert "CNO visit of" in page.locator(".flash").inner_text()
    assert "baseline" in page.locator("#visits").inner_text()
    assert "tibia" in page.locator("#lesions").inner_text()
    assert page.locator("#lesion-timeline").count() == 1 and page.locator("#next-options").count() == 1


def test_researcher_runs_a_cohort_report_but_cannot_open_a_patient(server, page_as):
    from rarebone.registry import demo

    records = list(demo.generate(40))
    seed(server.app, *records)
    page = page_as("researcher")
    page.goto(server.url + "/cohort")
    page.select_option("select[name=f0-field]", "diagnosis")
    page.select_option("select[name=f0-op]", "in")
    page.fill("input[name=f0-value]", "MIOP, IOP")
    page.select_option("#by", "transplant.donor_type")
    page.fill("input[name=at]", "12, 60")
    page.click("text=Run the report")
    page.locator("#results").wait_for(timeout=120_000)  # the job page refreshes itself until the report is done
    assert page.locator("figure img").count() >= 2
    assert records[0]["patient"]["patient_key"] not in page.content()
    response = page.goto(server.url + "/patients/" + records[0]["patient"]["patient_key"])
    assert response.status == 403
    assert page.goto(server.url + "/transplant/WEB-TX-1").status == 403
