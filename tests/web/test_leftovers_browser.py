"""In a real browser (chromium through Playwright; SQLite and PostgreSQL): the monitoring page before the first
post-transplant lab, its chart as a separate SVG image the CSP allows, and patients whose keys hold '/', '%',
spaces, unicode or '..' opened from the list by clicking."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.web.clinical_seed import TX_DATE, seed, transplant_child

pytestmark = pytest.mark.browser


def test_monitoring_opens_before_the_first_lab_and_the_chart_loads_after_it(server, page_as):
    seed(server.app, transplant_child())
    page = page_as("clinician")
    refused = []
    page.on("console", lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None)
    page.goto(server.url + "/transplant/WEB-TX-1/monitor")
    assert "There are no post-transplant labs yet." in page.locator("#no-labs").inner_text()
    assert str(TX_DATE) in page.locator("#no-labs").inner_text()
    page.fill("#lab-date", str(TX_DATE + dt.timedelta(days=2)))
    page.fill("#lab-anc", "0.3")
    page.fill("#lab-platelets", "25")
    page.click("text=Save labs")
    page.wait_for_load_state()
    assert page.locator("#no-labs").count() == 0
    chart = page.locator("img.chart")
    chart.wait_for()
    page.wait_for_function("document.querySelector('img.chart').complete")
    assert page.evaluate("document.querySelector('img.chart').naturalWidth") > 0  # the SVG was served and drawn
    assert not refused


def test_patients_with_awkward_keys_open_from_the_list(server, page_as):
    keys = ["site/2024/0007", "50% done", "ünï/cødé", "..", "new"]
    for key in keys:
        seed(server.app, transplant_child(key))
    page = page_as("clinician")
    for key in keys:
        page.goto(server.url + "/patients")
        page.click(f"table a:text-is('{key}')")
        page.wait_for_load_state()
        assert page.locator("h1").inner_text().startswith(f"Patient {key}")
        page.click("text=Assessment")
        page.wait_for_load_state()
        assert page.locator("h1").inner_text() == f"Assessment — {key}"
