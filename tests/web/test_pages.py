"""The workbench through FastAPI's TestClient: roles, CSRF, sessions, sign-in limits, forms and their checks,
the audit trail, escaping. (Browser tests: test_browser.py.)"""

from __future__ import annotations

import datetime as dt
import re

import pytest

from tests.web.conftest import add_user, csrf, csrf_of, sign_in

HOSTILE = '</textarea><script>alert("x")</script></style><style>body{display:none}</style>\'"&\\\n\f'


def seed(client, key="K-1", **patient):
    """A stored patient (through the registry store, as an import would)."""
    from sqlalchemy.orm import Session

    from rarebone.registry.store import upsert

    record = {"patient": {"patient_key": key, "sex": "female", "diagnosis": "MIOP", "gene": "TCIRG1",
                          "genotype": "homozygous", **patient},
              "phenotypes": [{"hpo_id": "HP:0000648", "label": "Optic atrophy", "excluded": False}]}
    with Session(client.app.state.workbench.engine) as s, s.begin():
        upsert(s, record, source="test", who="test@seed")
    return key


def form(client, **fields):
    data = {"csrf_token": csrf(client), "ph-count": "0", "ms-count": "0"}
    data.update(fields)
    return data


def errors(html: str) -> list[str]:
    return re.findall(r'<p class="field-error" id="err-([^"]+)">([^<]*)</p>', html)


# --------------------------------------------------------------------------------------------- headers, errors

def test_security_headers_on_every_page(client):
    sign_in(client, "clinician")
    key = seed(client)
    for path in ("/", "/patients", f"/patients/{key}", "/signin", "/no-such-page"):
        h = client.get(path).headers
        csp = h["content-security-policy"]
        assert "script-src 'self'" in csp and "style-src 'self'" in csp and "unsafe-inline" not in csp
        assert "frame-ancestors 'none'" in csp
        assert h["x-content-type-options"] == "nosniff"
        assert h["referrer-policy"] == "no-referrer"
        assert h["cache-control"] == "no-store"


def test_templates_have_no_inline_script_or_style():
    from pathlib import Path

    import rarebone.web

    for template in (Path(rarebone.web.__file__).parent / "templates").rglob("*.html"):
        text = template.read_text()
        assert "<style" not in text and " style=" not in text, template
        for tag in re.findall(r"<script[^>]*>", text):
            assert 'src="/static/' in tag, (template, tag)
        assert "|safe" not in text, template


def test_session_cookie_is_httponly_and_lax(client):
    r = client.get("/signin")
    cookie = r.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie and "secure" not in cookie


def test_secure_cookie_when_behind_https(tmp_path):
    from fastapi.testclient import TestClient

    from tests.web.conftest import make_app

    app = make_app(f"sqlite:///{tmp_path / 'r.sqlite'}", secure_cookies=True)
    with TestClient(app, base_url="https://testserver") as c:
        r = c.get("/signin")
        assert "secure" in r.headers["set-cookie"].lower()
        assert "max-age" in r.headers["strict-transport-security"]


def test_error_pages_are_one_sentence_without_traceback(client):
    from fastapi import APIRouter

    router = APIRouter()

    @router.get("/boom")
    def boom():
        raise RuntimeError("secret internal detail /etc/passwd")

    from fastapi.testclient import TestClient

    client.app.include_router(router)
    r = TestClient(client.app, raise_server_exceptions=False).get("/boom")
    assert r.status_code == 500
    assert "secret internal detail" not in r.text and "Traceback" not in r.text
    assert "Something went wrong on the server" in r.text
    assert r.headers["content-security-policy"]
    r = client.get("/nowhere")
    assert r.status_code == 404 and "There is no such page." in r.text


# ------------------------------------------------------------------------------------------- sign-in, sessions

def test_pages_need_sign_in(client):
    r = client.get("/patients", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/signin?next=/patients")
    assert client.get("/api/hpo?q=optic").status_code == 401


def test_sign_in_does_not_redirect_off_site(client):
    username, password = add_user(client.app, "clinician")
    token = csrf_of(client.get("/signin").text)
    r = client.post("/signin", data={"username": username, "password": password, "csrf_token": token,
                                     "next": "//evil.example/x"}, follow_redirects=False)
    assert r.headers["location"] == "/"


def test_wrong_password_refused_and_account_rate_limited(client):
    username, password = add_user(client.app, "clinician")
    limit = client.app.state.workbench.settings.signin_failures_per_account
    token = csrf_of(client.get("/signin").text)
    for _ in range(limit):
        r = client.post("/signin", data={"username": username, "password": "wrong-password-123", "csrf_token": token})
        assert r.status_code == 401
    r = client.post("/signin", data={"username": username, "password": password, "csrf_token": token})
    assert r.status_code == 429 and "Too many failed sign-ins" in r.text  # even the right password, for now


def test_one_failure_short_of_the_limit_still_signs_in(client):
    username, password = add_user(client.app, "clinician")
    limit = client.app.state.workbench.settings.signin_failures_per_account
    token = csrf_of(client.get("/signin").text)
    for _ in range(limit - 1):
        client.post("/signin", data={"username": username, "password": "wrong-password-123", "csrf_token": token})
    r = client.post("/signin", data={"username": username, "password": password, "csrf_token": token},
                    follow_redirects=False)
    assert r.status_code == 303


def test_client_address_rate_limited_across_accounts(client):
    st = client.app.state.workbench
    token = csrf_of(client.get("/signin").text)
    for i in range(st.settings.signin_failures_per_address):
        client.post("/signin", data={"username": f"nobody{i}", "password": "x" * 12, "csrf_token": token})
    username, password = add_user(client.app, "clinician")
    r = client.post("/signin", data={"username": username, "password": password, "csrf_token": token})
    assert r.status_code == 429


def test_session_expires_after_idle_time(client):
    sign_in(client, "clinician")
    sessions = client.app.state.workbench.sessions
    assert client.get("/patients").status_code == 200
    now = [1000.0]
    sessions._clock = lambda: now[0]
    for s in sessions._sessions.values():
        s.last_seen = s.created = now[0]
    now[0] += sessions.idle_seconds - 1  # just inside the idle time: still signed in
    assert client.get("/patients", follow_redirects=False).status_code == 200
    now[0] += sessions.idle_seconds + 1  # past it
    r = client.get("/patients", follow_redirects=False)
    assert r.status_code == 303 and "expired=1" in r.headers["location"]
    assert "Your session expired" in client.get(r.headers["location"]).text


def test_sign_out_ends_the_session(client):
    sign_in(client, "clinician")
    cookie = client.cookies.get("rarebone_session")
    client.post("/signout", data={"csrf_token": csrf(client)})
    client.cookies.set("rarebone_session", cookie)  # a copied cookie is useless afterwards
    assert client.get("/patients", follow_redirects=False).status_code == 303


def test_disabled_account_is_signed_out(client):
    from rarebone.web import accounts

    username = sign_in(client, "clinician")
    accounts.set_disabled(client.app.state.workbench.engine, username, True)
    assert client.get("/patients", follow_redirects=False).status_code == 303


def test_passwords_are_argon2_hashes(client):
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from rarebone.registry.models import UserRow

    username, password = add_user(client.app, "clinician")
    with Session(client.app.state.workbench.engine) as s:
        stored = s.scalar(select(UserRow.password_hash).where(UserRow.username == username))
    assert stored.startswith("$argon2id$") and password not in stored


# ---------------------------------------------------------------------------------------------------- CSRF

def test_post_without_or_with_forged_csrf_token_is_refused(client):
    sign_in(client, "clinician")
    data = form(client, patient_key="NEW-1")
    data["csrf_token"] = "forged"
    r = client.post("/patients/new", data=data)
    assert r.status_code == 403 and "reload the page" in r.text
    del data["csrf_token"]
    assert client.post("/patients/new", data=data).status_code == 403
    data["csrf_token"] = csrf(client)
    assert client.post("/patients/new", data=data, follow_redirects=False).status_code == 303


def test_post_from_another_origin_is_refused(client):
    sign_in(client, "clinician")
    data = form(client, patient_key="NEW-2")
    r = client.post("/patients/new", data=data, headers={"Origin": "https://evil.example"})
    assert r.status_code == 403


def test_sign_in_form_needs_csrf_token_too(client):
    username, password = add_user(client.app, "clinician")
    client.get("/signin")
    assert client.post("/signin", data={"username": username, "password": password}).status_code == 403


# ----------------------------------------------------------------------------------------------------- roles

@pytest.mark.parametrize("path", ["/patients", "/patients/K-1", "/patients/K-1/edit", "/patients/K-1/assessment",
                                  "/patients/K-1/phenopacket", "/patients/K-1/history", "/patients/new", "/imports",
                                  "/api/hpo?q=optic"])
def test_researcher_cannot_open_patient_pages(client, path):
    seed(client)
    sign_in(client, "researcher")
    r = client.get(path)
    assert r.status_code == 403
    assert "K-1" not in r.text and "TCIRG1" not in r.text


def test_researcher_start_page_shows_no_patient_links(client):
    seed(client)
    sign_in(client, "researcher")
    text = client.get("/").text
    assert 'href="/patients"' not in text and "K-1" not in text


def test_pharmacist_reads_but_does_not_edit_patients(client):
    key = seed(client)
    sign_in(client, "pharmacist")
    assert client.get(f"/patients/{key}").status_code == 200
    assert client.get("/patients/new").status_code == 403
    assert client.post("/patients/new", data=form(client, patient_key="P-2")).status_code == 403


def test_admin_page_is_for_admins_only(client):
    sign_in(client, "clinician")
    assert client.get("/admin/users").status_code == 403


# ------------------------------------------------------------------------------------------ list and paging

def test_list_search_and_keyset_paging(client):
    from rarebone.registry.store import import_records

    records = [("t", {"patient": {"patient_key": f"P-{i:04d}", "diagnosis": "MIOP" if i % 2 else "CNO",
                                  "gene": "TCIRG1" if i % 3 == 0 else "CLCN7"}}) for i in range(120)]
    import_records(client.app.state.workbench.engine, records, who="test@seed")
    sign_in(client, "clinician")
    first = client.get("/patients").text
    keys = re.findall(r'href="/patients/(P-\d+)"', first)
    assert keys == [f"P-{i:04d}" for i in range(50)] and "120 patients" in first
    nxt = re.search(r'rel="next" href="([^"]+)"', first).group(1).replace("&amp;", "&")
    second = client.get(nxt).text
    assert re.findall(r'href="/patients/(P-\d+)"', second)[0] == "P-0050"
    prev = re.search(r'rel="prev" href="([^"]+)"', second).group(1).replace("&amp;", "&")
    assert re.findall(r'href="/patients/(P-\d+)"', client.get(prev).text) == keys
    miop_tcirg1 = client.get("/patients?diagnosis=MIOP&gene=tcirg1").text  # gene case-insensitive as typed
    found = re.findall(r'href="/patients/(P-\d+)"', miop_tcirg1)
    assert found == [f"P-{i:04d}" for i in range(120) if i % 2 and i % 3 == 0]
    assert re.findall(r'href="/patients/(P-\d+)"', client.get("/patients?key=p-011").text) == [
        f"P-{i:04d}" for i in range(110, 120)]


def test_list_queries_use_the_indexes(client):
    """Every list query is an index search, never a scan of the patients table (100,000 patients stay fast)."""
    from sqlalchemy import text

    engine = client.app.state.workbench.engine
    with engine.connect() as c:
        for where in ("diagnosis = 'MIOP' AND patient_key > 'A' ORDER BY patient_key",
                      "gene = 'TCIRG1' ORDER BY patient_key",
                      "patient_key >= 'SYN' AND patient_key < 'SYO' ORDER BY patient_key"):
            plan = " ".join(r[-1] for r in c.execute(text(f"EXPLAIN QUERY PLAN SELECT patient_key FROM patients WHERE {where} LIMIT 51")))
            assert "USING" in plan and "INDEX" in plan, plan
            assert "TEMP B-TREE" not in plan, plan  # no sort: the index gives the order


# ------------------------------------------------------------------------------------------------- the form

def test_new_patient_with_terms_measurements_and_transplant(client):
    sign_in(client, "clinician")
    data = form(client, patient_key="NEW-1", sex="female", diagnosis="MIOP", gene="tcirg1", genotype="homozygous",
                **{"ph-count": "2", "ph-0-label": "Optic atrophy", "ph-0-status": "present", "ph-0-onset": "60",
                   "ph-1-hpo": "HP:0001903", "ph-1-status": "excluded",
                   "ms-count": "1", "ms-0-loinc": "718-7", "ms-0-value": "7.5", "ms-0-unit": "g/dL", "ms-0-age": "90",
                   "transplant.hla_matched": "8", "transplant.hla_total": "8"})
    r = client.post("/patients/new", data=data, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/patients/NEW-1"
    page = client.get("/patients/NEW-1").text
    assert "HP:0000648" in page and "Optic atrophy" in page
    assert "HP:0001903" in page and "excluded" in page
    assert "75 g/L" in page  # 7.5 g/dL stored in the canonical unit (knowledge: LAB-HEMOGLOBIN, 1 g/dL = 10 g/L)
    assert "TCIRG1" in page


def test_hla_matched_against_alleles_compared_both_sides(client):
    """registry/plausibility.py: matched HLA alleles cannot exceed the alleles compared."""
    sign_in(client, "clinician")
    r = client.post("/patients/new", data=form(client, patient_key="H-1", **{"transplant.hla_matched": "9",
                                                                          "transplant.hla_total": "8"}))
    assert r.status_code == 422
    assert ("transplant.hla_matched", "matched HLA alleles must be between 0 and the alleles compared (8)") in errors(r.text)
    assert client.get("/patients/H-1").status_code == 404  # nothing saved
    r = client.post("/patients/new", data=form(client, patient_key="H-1", **{"transplant.hla_matched": "8",
                                                                          "transplant.hla_total": "8"}),
                    follow_redirects=False)
    assert r.status_code == 303


def test_engraftment_day_against_follow_up_both_sides(client):
    """registry/plausibility.py: an event day cannot fall after the last follow-up day."""
    sign_in(client, "clinician")
    after = form(client, patient_key="E-1", **{"transplant.neutrophil_engraftment_day": "31",
                                               "transplant.followup_days": "30"})
    r = client.post("/patients/new", data=after)
    assert ("transplant.neutrophil_engraftment_day", "after the last follow-up day (30)") in errors(r.text)
    same = form(client, patient_key="E-1", **{"transplant.neutrophil_engraftment_day": "30",
                                              "transplant.followup_days": "30"})
    assert client.post("/patients/new", data=same, follow_redirects=False).status_code == 303


@pytest.mark.parametrize("field,value,message", [
    ("sex", "robot", "must be one of male, female, other, unknown"),
    ("age_at_onset_days", "-1", "not a valid number"),
    ("age_at_onset_days", "abc", "not a valid number"),
    ("transplant.hla_total", "7", "must be one of 6, 8, 10, 12"),
    ("transplant.agvhd_grade", "5", "must be one of 0, 1, 2, 3, 4"),
    ("birth_date", "2020-02-30", "not a valid date"),
])
def test_dictionary_checks_shown_beside_the_field(client, field, value, message):
    sign_in(client, "clinician")
    r = client.post("/patients/new", data=form(client, patient_key="D-1", **{field: value}))
    assert r.status_code == 422
    assert (field, message) in errors(r.text)
    from rarebone.registry.dictionary import BY_NAME

    if not BY_NAME[field].choices:  # a text box keeps what was typed, to correct it
        assert f'value="{value}"' in r.text


def test_bad_terms_units_and_codes_shown_beside_their_row(client):
    sign_in(client, "clinician")
    data = form(client, patient_key="R-1", **{
        "ph-count": "1", "ph-0-label": "not a phenotype at all",
        "ms-count": "3", "ms-0-loinc": "718-7", "ms-0-value": "7", "ms-0-unit": "furlongs",
        "ms-1-loinc": "banana", "ms-1-value": "1", "ms-2-loinc": "718-7", "ms-2-value": "900", "ms-2-unit": "g/dL"})
    found = dict(errors(client.post("/patients/new", data=data).text))
    assert "choose a term from the suggestions" in found["ph-0-hpo"]
    assert "unit cannot be converted" in found["ms-0-unit"]
    assert found["ms-1-loinc"] == "a LOINC code such as 718-7"
    assert "is impossible" in found["ms-2-value"]


def test_duplicate_key_refused(client):
    key = seed(client)
    sign_in(client, "clinician")
    r = client.post("/patients/new", data=form(client, patient_key=key))
    assert ("patient_key", "a patient with this key exists; open it from the list to edit it") in errors(r.text)


def test_edit_keeps_what_the_form_does_not_show_and_asks_before_identity_change(client):
    from sqlalchemy.orm import Session

    from rarebone.registry.store import upsert

    with Session(client.app.state.workbench.engine) as s, s.begin():
        upsert(s, {"patient": {"patient_key": "K-9", "sex": "male", "gene": "CLCN7", "birth_date": dt.date(2020, 1, 1)},
                   "complications": [{"kind": "vod", "day": 12.0}],
                   "measurements": [{"assay_id": "LOINC:718-7", "analyte": "hemoglobin", "value": 80.0, "unit": "g/L",
                                     "measured_on": dt.date(2020, 6, 1)}],
                   "transplants": [{"number": 1, "donor_relation": "father", "transplant_date": dt.date(2020, 7, 1)},
                                   {"number": 2, "donor_relation": "mother", "transplant_date": dt.date(2021, 7, 1)}]},
               who="test@seed")
    sign_in(client, "clinician")
    edit = client.get("/patients/K-9/edit").text
    assert 'value="2020-06-01"' in edit and 'value="2020-07-01"' in edit
    data = form(client, sex="male", gene="CLCN7", birth_date="2020-01-01", notes="seen in clinic",
                **{"transplant.donor_relation": "father", "transplant.transplant_date": "2020-07-01",
                   "ms-count": "1", "ms-0-loinc": "718-7", "ms-0-value": "80", "ms-0-unit": "g/L", "ms-0-date": "2020-06-01"})
    assert client.post("/patients/K-9/edit", data=data, follow_redirects=False).status_code == 303
    page = client.get("/patients/K-9").text
    assert "seen in clinic" in page and "vod" in page and "Transplant 2" in page
    data = form(client, sex="female", gene="CLCN7", birth_date="2020-01-01", **{"transplant.donor_relation": "father"})
    r = client.post("/patients/K-9/edit", data=data)
    assert r.status_code == 422 and "identity fields" in r.text and 'name="confirm_identity"' in r.text
    data["confirm_identity"] = "yes"
    assert client.post("/patients/K-9/edit", data=data, follow_redirects=False).status_code == 303


# ------------------------------------------------------------------------------------------------------ audit

def test_views_and_changes_audited_under_the_signed_in_user_not_the_environment(client, monkeypatch):
    from rarebone.registry.store import history

    monkeypatch.setenv("LOGNAME", "mallory")
    monkeypatch.setenv("USER", "mallory")
    username = sign_in(client, "clinician")
    client.post("/patients/new", data=form(client, patient_key="A-1", sex="male"), follow_redirects=False)
    client.get("/patients/A-1")
    client.get("/patients/A-1/phenopacket")
    entries = history(client.app.state.workbench.engine, "A-1")
    assert [e["action"] for e in entries] == ["insert", "view", "export"]
    assert {e["actor"] for e in entries} == {f"{username}@workbench"}


# ----------------------------------------------------------------------------------------------- escaping

def test_hostile_patient_text_is_escaped(client):
    key = seed(client, notes=HOSTILE, cause_of_death=HOSTILE)
    sign_in(client, "clinician")
    for path in (f"/patients/{key}", f"/patients/{key}/edit"):
        text = client.get(path).text
        assert "<script>alert" not in text and "<style>body" not in text and "</textarea><script>" not in text
        assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in text


def test_hostile_key_is_escaped_in_links(client):
    from rarebone.registry.store import import_records

    key = 'X"><script>alert(1)</script>'
    import_records(client.app.state.workbench.engine, [("t", {"patient": {"patient_key": key}})], who="t")
    sign_in(client, "clinician")
    text = client.get("/patients?key=X").text
    assert "<script>alert(1)" not in text
    # '/' escaped as ~2F (web/keys.py: the server would read %2F as a path separator), the rest percent-encoded
    assert 'href="/patients/X%22%3E%3Cscript%3Ealert%281%29%3C~2Fscript%3E"' in text
    opened = client.get("/patients/X%22%3E%3Cscript%3Ealert%281%29%3C~2Fscript%3E")
    assert opened.status_code == 200 and "<script>alert(1)" not in opened.text


# ------------------------------------------------------------------------------------------------ HPO, export

def test_hpo_search_finds_labels_and_synonyms(client):
    sign_in(client, "clinician")
    hits = client.get("/api/hpo?q=optic atro").json()["results"]
    assert hits[0] == {"id": "HP:0000648", "name": "Optic atrophy", "matched": "optic atrophy"}
    synonym = client.get("/api/hpo?q=bone marrow failure").json()["results"]  # a synonym, not the name
    assert any(h["id"] == "HP:0005528" and h["matched"] == "bone marrow failure" for h in synonym)
    assert client.get("/api/hpo?q=" + "x" * 500).status_code == 422


def test_phenopacket_download_imports_back_unchanged(client, tmp_path):
    import json

    from rarebone.registry.importers import phenopacket_items
    from rarebone.registry.store import import_records

    key = seed(client, birth_date=dt.date(2020, 1, 2), notes="note")
    sign_in(client, "clinician")
    r = client.get(f"/patients/{key}/phenopacket")
    assert r.headers["content-disposition"] == 'attachment; filename="K-1.json"'
    document = r.json()
    assert document["subject"]["id"] == key and document["phenotypicFeatures"][0]["type"]["id"] == "HP:0000648"
    path = tmp_path / "K-1.json"
    path.write_text(json.dumps(document))
    from rarebone.registry.store import history

    summary = import_records(client.app.state.workbench.engine, phenopacket_items([path], workers=1), who="t")
    assert not summary.rejected and summary.inserted == 0
    assert history(client.app.state.workbench.engine, key)[-1]["changed"] in ([], None)  # the same record again


def test_import_from_the_browser_reports_each_record(client):
    import time
    from pathlib import Path

    sign_in(client, "clinician")
    example = Path(__file__).parents[2] / "examples" / "phenopackets" / "tcirg1-infant.json"
    files = [("files", ("tcirg1-infant.json", example.read_bytes(), "application/json")),
             ("files", ("broken.json", b'{"id": 3}', "application/json"))]
    r = client.post("/imports", data={"csrf_token": csrf(client)}, files=files)
    assert "/jobs/" in str(r.url)
    for _ in range(100):
        if 'http-equiv="refresh"' not in r.text:
            break
        time.sleep(0.1)
        r = client.get(str(r.url))
    assert "2 records: 1 inserted, 0 updated, 0 unchanged, 1 rejected" in r.text
    assert "broken.json: $: does not follow the Phenopacket v2 schema" in r.text
    assert "/tmp/" not in r.text  # no server path


def test_import_refuses_a_spreadsheet_without_its_mapping(client):
    sign_in(client, "clinician")
    r = client.post("/imports", data={"csrf_token": csrf(client)},
                    files=[("files", ("a.xlsx", b"PK", "application/octet-stream"))])
    assert r.status_code == 422 and "needs its mapping file" in r.text


# ------------------------------------------------------------------------------------------------ assessment

def test_assessment_answer_first_with_linked_citations(client):
    from rarebone.registry.store import history

    key = seed(client)
    sign_in(client, "clinician")
    text = client.get(f"/patients/{key}/assessment").text
    assert text.index("Answer first") < text.index("Suspicion of osteopetrosis:") < text.index("<h2>Sources</h2>")
    assert "HSCT INDICATED" in text
    assert "Decision support, to be checked by the responsible clinician." in text
    cited = set(re.findall(r'<a href="#src-([^"]+)">', text))
    anchors = set(re.findall(r'<li id="src-([^"]+)">', text))
    assert cited and cited <= anchors
    assert 'href="https://doi.org/10.1210/jc.2017-01127"' in text  # WU2017's DOI
    assert "Phenotype-driven differential" in text
    assert history(client.app.state.workbench.engine, key)[-1]["action"] == "assess"


def test_assessment_of_an_unknown_patient_is_404(client):
    sign_in(client, "clinician")
    r = client.get("/patients/NOPE/assessment")
    assert r.status_code == 404 and "There is no patient with this key." in r.text


def test_assessment_pdf_is_printed_and_audited(client):
    import shutil

    from rarebone.registry.store import history

    if not (shutil.which("chromium") or shutil.which("chromium-browser")):
        pytest.skip("no chromium (Debian: apt-get install chromium)")
    key = seed(client, notes=HOSTILE)
    sign_in(client, "clinician")
    r = client.get(f"/patients/{key}/assessment.pdf")
    assert r.status_code == 200 and r.content.startswith(b"%PDF")
    assert r.headers["content-disposition"] == 'attachment; filename="K-1-assessment.pdf"'
    assert history(client.app.state.workbench.engine, key)[-1]["action"] == "export"


def test_a_long_job_does_not_block_other_pages_and_shows_progress(client):
    import threading
    import time

    username = sign_in(client, "clinician")
    release = threading.Event()

    def work(job):
        job.done = 40
        release.wait(30)  # a long import, held until the other pages have been served
        job.done = 100
        job.result = {"line": "100 records: 100 inserted, 0 updated, 0 unchanged, 0 rejected", "rejected": [],
                      "more_rejected": 0}

    job = client.app.state.workbench.jobs.start(username, "Import of big.csv", work, total=100)
    try:
        for _ in range(100):
            if job.done == 40:
                break
            time.sleep(0.02)
        assert client.get("/patients").status_code == 200  # served while the job runs
        running = client.get(f"/jobs/{job.id}").text
        assert "Running: 40 of 100 records done" in running and 'http-equiv="refresh"' in running
    finally:
        release.set()
    for _ in range(100):
        if job.finished:
            break
        time.sleep(0.02)
    done = client.get(f"/jobs/{job.id}").text
    assert "100 records: 100 inserted" in done and 'http-equiv="refresh"' not in done
    sign_in(client, "clinician")  # another account cannot see it
    assert client.get(f"/jobs/{job.id}").status_code == 404


def test_every_problem_of_a_form_shown_at_once(client):
    sign_in(client, "clinician")
    r = client.post("/patients/new", data=form(client, patient_key="M-1", sex="robot", **{
        "transplant.hla_matched": "9", "transplant.hla_total": "8", "ph-count": "1", "ph-0-label": "zzzz"}))
    found = dict(errors(r.text))
    assert {"sex", "transplant.hla_matched", "ph-0-hpo"} <= set(found)


def test_knowledge_base_local_assay_codes_accepted(client):
    """A measurement the knowledge base codes itself (rarebone:ck-bb, no LOINC code yet) is not refused."""
    sign_in(client, "clinician")
    r = client.post("/patients/new", data=form(client, patient_key="CK-1", **{
        "ms-count": "1", "ms-0-loinc": "rarebone:ck-bb", "ms-0-value": "20", "ms-0-unit": "U/L"}), follow_redirects=False)
    assert r.status_code == 303, errors(r.text)
    assert "rarebone:ck-bb" in client.get("/patients/CK-1").text


def test_history_page_lists_changes_and_views_newest_first(client):
    key = seed(client)
    username = sign_in(client, "clinician")
    client.get(f"/patients/{key}")
    text = client.get(f"/patients/{key}/history").text
    rows = re.findall(r"<tr><td>[^<]+</td><td>(\w+)</td><td>([^<]+)</td>", text)
    assert rows[:3] == [("view", f"{username}@workbench"), ("view", f"{username}@workbench"), ("insert", "test@seed")]


def test_admin_disables_an_account_and_its_sessions_end(web_app):
    from fastapi.testclient import TestClient

    with TestClient(web_app) as clinician, TestClient(web_app) as admin:
        name = sign_in(clinician, "clinician")
        sign_in(admin, "admin")
        page = admin.get("/admin/users").text
        assert name in page and "active" in page
        r = admin.post(f"/admin/users/{name}/disabled", data={"disabled": "yes", "csrf_token": csrf(admin)})
        assert f"Account {name} disabled." in r.text
        assert clinician.get("/patients", follow_redirects=False).status_code == 303
        r = admin.post(f"/admin/users/{name}/disabled", data={"disabled": "no", "csrf_token": csrf(admin)})
        assert f"Account {name} enabled." in r.text
