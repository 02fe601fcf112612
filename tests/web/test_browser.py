"""The workbench in a real browser (Debian's chromium through Playwright), on SQLite and on PostgreSQL."""

from __future__ import annotations

import pytest

from tests.web.conftest import add_user, browser_sign_in

pytestmark = pytest.mark.browser


def test_sign_in_and_out(browser, server):
    username, password = add_user(server.app, "clinician")
    context = browser.new_context()
    page = context.new_page()
    page.goto(server.url + "/")
    assert page.url.startswith(server.url + "/signin")
    browser_sign_in(page, server.url, username, password)
    assert page.locator("h1").inner_text().startswith("Welcome")
    assert username in page.locator(".who").inner_text()
    cookie = next(c for c in context.cookies() if c["name"] == "rarebone_session")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Lax"
    page.click("form.signout button")
    page.wait_for_load_state()
    assert "/signin" in page.url
    page.goto(server.url + "/")
    assert "/signin" in page.url
    context.close()


def _seed(server, key="SYN-1", **patient):
    from sqlalchemy.orm import Session

    from rarebone.registry.store import upsert

    record = {"patient": {"patient_key": key, "sex": "female", "diagnosis": "MIOP", "gene": "TCIRG1",
                          "genotype": "homozygous", **patient},
              "phenotypes": [{"hpo_id": "HP:0000648", "label": "Optic atrophy", "excluded": False},
                             {"hpo_id": "HP:0011001", "label": "Increased bone mineral density", "excluded": False}]}
    with Session(server.app.state.workbench.engine) as s, s.begin():
        upsert(s, record, source="test", who="test@seed")
    return key


def test_create_patient_with_hpo_autocomplete(server, page_as):
    page = page_as("clinician")
    page.goto(server.url + "/patients/new")
    page.fill("#f-patient_key", "WEB-1")
    page.select_option("#f-sex", "male")
    page.select_option("#f-diagnosis", "MIOP")
    page.fill("#f-gene", "TCIRG1")
    label = page.locator("input[name='ph-0-label']")
    label.click()
    label.type("optic atro", delay=30)
    option = page.locator("#hpo-suggestions li", has_text="Optic atrophy (HP:0000648)")
    option.first.wait_for(state="visible")
    option.first.click()
    assert page.locator("input[name='ph-0-hpo']").input_value() == "HP:0000648"
    page.locator("button.add-row[data-rows='ph-rows']").click()  # the script adds a fourth row
    assert page.locator("input[name='ph-3-label']").count() == 1
    page.locator("input[name='ph-3-label']").type("bone marrow fail", delay=30)  # a synonym
    page.locator("#hpo-suggestions li", has_text="HP:0005528").first.click()
    page.click("#patient-form button[type=submit]")
    page.wait_for_url("**/patients/WEB-1")
    body = page.locator("main").inner_text()
    assert "Optic atrophy" in body and "HP:0000648" in body and "HP:0005528" in body
    assert "Patient saved." in body


def test_form_error_shown_beside_the_field(server, page_as):
    page = page_as("clinician")
    page.goto(server.url + "/patients/new")
    page.fill("#f-patient_key", "WEB-2")
    page.fill("[id='f-transplant.hla_matched']", "9")
    page.select_option("[id='f-transplant.hla_total']", "8")
    page.click("#patient-form button[type=submit]")
    error = page.locator("[id='err-transplant.hla_matched']")
    assert "matched HLA alleles must be between 0 and the alleles compared (8)" in error.inner_text()
    assert page.locator("[id='f-transplant.hla_matched']").input_value() == "9"


def test_see_the_assessment(server, page_as):
    key = _seed(server)
    page = page_as("clinician")
    page.goto(f"{server.url}/patients/{key}")
    page.click("text=Assessment")
    page.wait_for_url(f"**/patients/{key}/assessment")
    summary = page.locator("section.summary").inner_text()
    assert "HSCT INDICATED" in summary and "First actions" in summary
    assert "Decision support, to be checked by the responsible clinician" in page.locator(".disclaimer").inner_text()
    assert "to be checked by the responsible clinician before any decision" in page.locator("main .notice").first.inner_text()
    link = page.locator("span.cite a").first
    target = link.get_attribute("href")
    assert target.startswith("#src-") and page.locator(target).count() == 1


def test_researcher_cannot_open_a_patient_page(server, page_as):
    key = _seed(server)
    page = page_as("researcher")
    response = page.goto(f"{server.url}/patients/{key}")
    assert response.status == 403
    text = page.locator("main").inner_text()
    assert "Your role does not give access to this page." in text and key not in text
    assert page.locator("nav a", has_text="Patients").count() == 0


def test_forged_csrf_token_is_refused(server, page_as):
    page = page_as("clinician")
    page.goto(server.url + "/patients/new")
    page.fill("#f-patient_key", "WEB-3")
    page.locator("#patient-form input[name=csrf_token]").evaluate("e => e.value = 'forged'")
    with page.expect_response(lambda r: r.request.method == "POST") as posted:
        page.click("#patient-form button[type=submit]")
    assert posted.value.status == 403
    assert "reload the page" in page.locator("h1").inner_text()
    assert page.goto(server.url + "/patients/WEB-3").status == 404  # nothing saved


def test_session_expires(server, page_as):
    page = page_as("clinician")
    assert page.goto(server.url + "/patients").status == 200
    server.app.state.workbench.sessions.idle_seconds = 0.5
    page.wait_for_timeout(1000)
    page.goto(server.url + "/patients")
    assert "/signin" in page.url
    assert "Your session expired" in page.locator("main").inner_text()


def test_bad_sign_in_is_rate_limited(browser, server):
    username, password = add_user(server.app, "clinician")
    context = browser.new_context()
    page = context.new_page()
    for _ in range(server.app.state.workbench.settings.signin_failures_per_account):
        browser_sign_in(page, server.url, username, "not-the-password")
        assert "not recognised" in page.locator("main").inner_text()
    browser_sign_in(page, server.url, username, password)
    assert "Too many failed sign-ins" in page.locator("main").inner_text()
    assert "/signin" in page.url
    context.close()


def test_hostile_patient_text_is_escaped(server, page_as):
    hostile = ('</td><script>document.title="pwned"</script><img src=x onerror="document.title=\'pwned\'">'
               '</style><style>*{display:none}</style>\\"\'\n\f')
    key = _seed(server, "SYN-2", notes=hostile, cause_of_death=hostile[:200])
    page = page_as("clinician")
    errors = []
    page.on("pageerror", lambda e: errors.append(e))
    for path in (f"/patients/{key}", f"/patients/{key}/edit"):
        page.goto(server.url + path)
        assert page.title() != "pwned"
        assert page.locator("img[src=x]").count() == 0
        assert page.locator("main").is_visible()
    page.goto(f"{server.url}/patients/{key}")
    assert '<script>document.title="pwned"</script>' in page.locator("main").inner_text()
    assert page.locator("script:not([src])").count() == 0
