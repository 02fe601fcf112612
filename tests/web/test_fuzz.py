"""API fuzzing (hypothesis) of every form and JSON endpoint of the workbench, signed in with the role each one
needs: any field names the pages' forms carry (read from the rendered HTML) plus stray ones, with random and
awkward values (blank, huge, NaN, impossible dates, hostile markup, unknown codes), random path parameters.
Requirement: no server error (5xx) ever, and no background job that failed on the server.

``RAREBONE_FUZZ_EXAMPLES`` sets the examples per endpoint (default 25, the normal suite; e.g. 500 on demand:
``RAREBONE_FUZZ_EXAMPLES=500 pytest tests/web/test_fuzz.py``)."""

from __future__ import annotations

import datetime as dt
import os
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.web.clinical_seed import TODAY, TX_DATE, cno_child, seed, transplant_child
from tests.web.conftest import add_user, csrf_of

STATUS: "collections.Counter" = __import__("collections").Counter()  # (endpoint, status) seen, for the report
EXAMPLES = int(os.environ.get("RAREBONE_FUZZ_EXAMPLES", "25"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
KEYS = ("WEB-TX-1", "WEB-CNO-1", "FUZZ-1")

text = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40)
awkward = st.sampled_from([
    "", " ", "0", "-1", "1", "7", "10", "10.5", "100", "101", "1e308", "-1e308", "nan", "NaN", "inf", "-inf", "1,5",
    "0x10", "2027-02-30", "9999-12-31", "0001-01-01", "1899-12-31", str(TODAY), str(TX_DATE),
    str(TX_DATE + dt.timedelta(days=14)), str(TX_DATE - dt.timedelta(days=3)), "yes", "no", "true", "left", "right",
    "wbmri", "mri", "clavicle", "femur", "vertebra_thoracic", "medial", "marked", "beijing-haplo",
    "iewp-treo-flu-thiotepa", "serotherapy=alg", "serotherapy=", "=", "mosteller", "haycock", "fda", "bsa", "per-kg",
    "diagnosis", "transplant.donor_type", "in", "==", "MIOP, IOP", "'", '"', "(", "diagnosis == 'MIOP' and (",
    "MIOP", "HP:0000648", "LOINC:751-8", "751-8", "kg", "g/dL", "months", "years", "diagnosis",
    '</textarea><script>alert(1)</script>', "\x00", "\u202e", "a" * 5000])
value = st.one_of(awkward, text)


def fields_of(html: str) -> list[str]:
    return sorted(set(re.findall(r'name="([^"]+)"', html)) - {"csrf_token", "csrf-token", "viewport"})


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    from tests.web.conftest import make_app

    app = make_app(f"sqlite:///{tmp_path_factory.mktemp('fuzz') / 'registry.sqlite'}")
    from rarebone.registry import demo

    seed(app, transplant_child(), cno_child(), transplant_child(key="FUZZ-1", weight=None), *demo.generate(30))
    yield app
    app.state.workbench.close()


def _client(app, role):
    from fastapi.testclient import TestClient

    client = TestClient(app, base_url="http://testserver", raise_server_exceptions=False)
    username, password = add_user(app, role)
    token = csrf_of(client.get("/signin").text)
    assert client.post("/signin", data={"username": username, "password": password, "csrf_token": token},
                       follow_redirects=False).status_code == 303
    client.headers["X-CSRF-Token"] = csrf_of(client.get("/").text)  # every request passes CSRF: fuzz the page
    return client


@pytest.fixture(scope="module")
def clients(app):
    made = {role: _client(app, role) for role in ("clinician", "pharmacist", "researcher", "admin")}
    # one plan to sign, and a few labs so the monitoring pages compute
    c = made["clinician"]
    c.post("/transplant/WEB-TX-1/plans", data={"protocol": "beijing-haplo", "day0": str(TX_DATE)})
    for day in (10, 11, 12):
        c.post("/transplant/WEB-TX-1/labs", data={"date": str(TX_DATE + dt.timedelta(days=day)), "anc": "0.7"})
    yield made
    for client in made.values():
        client.close()


def _no_failed_jobs(app):
    import time

    deadline = time.monotonic() + 120
    while any(not j.finished for j in list(app.state.workbench.jobs._jobs.values())) and time.monotonic() < deadline:
        time.sleep(0.2)
    failed = [j.title for j in app.state.workbench.jobs._jobs.values() if j.error and "failed on the server" in j.error]
    assert not failed, failed


# a valid submission of each form: the fuzzer starts from it and mutates, drops or adds fields, so the requests
# reach past the first check into the rooms
VALID = {
    "/transplant/{key}/plans": {"protocol": "beijing-haplo", "day0": str(TX_DATE)},
    "/transplant/{key}/labs": {"date": str(TX_DATE + dt.timedelta(days=15)), "anc": "0.8"},
    "/transplant/{key}/gvhd": {"date": str(TX_DATE + dt.timedelta(days=20)), "skin_rash_bsa_pct": "10"},
    "/api/transplant/{key}/gvhd-grade": {"date": str(TX_DATE + dt.timedelta(days=20)), "skin_rash_bsa_pct": "10"},
    "/transplant/{key}/plans/{plan_id}/sign": {"confirm": "yes"},
    "/cno/{key}/visits": {"date": str(TODAY - dt.timedelta(days=10)), "pain": "3", "modality": "wbmri",
                          "l0-site": "femur", "l0-side": "left"},
    "/cohort/reports": {"f0-field": "diagnosis", "f0-op": "==", "f0-value": "MIOP"},
}

# (role, method, path template, page whose forms name the fields)
FORMS = [
    ("clinician", "POST", "/transplant/{key}/plans", "/transplant/WEB-TX-1"),
    ("clinician", "POST", "/transplant/{key}/labs", "/transplant/WEB-TX-1/monitor"),
    ("clinician", "POST", "/transplant/{key}/gvhd", "/transplant/WEB-TX-1/monitor"),
    ("clinician", "POST", "/api/transplant/{key}/gvhd-grade", "/transplant/WEB-TX-1/monitor"),
    ("pharmacist", "POST", "/transplant/{key}/plans/{plan_id}/sign", "/transplant/WEB-TX-1/plans/1"),
    ("clinician", "POST", "/cno/{key}/visits", "/cno/WEB-CNO-1"),
    ("researcher", "POST", "/cohort/reports", "/cohort"),
    ("clinician", "POST", "/patients/new", "/patients/new"),
    ("clinician", "POST", "/patients/{key}/edit", "/patients/WEB-TX-1/edit"),
    ("admin", "POST", "/admin/users/{username}/disabled", "/admin/users"),
]
PAGES = [
    ("clinician", "/transplant", ("key",)), ("clinician", "/transplant/{key}", ()),
    ("pharmacist", "/transplant/{key}/plans/{plan_id}", ()), ("clinician", "/transplant/{key}/plans/{plan_id}.{fmt}", ()),
    ("clinician", "/transplant/{key}/monitor", ()), ("clinician", "/cno", ("key",)), ("clinician", "/cno/{key}", ()),
    ("researcher", "/cohort", ()), ("researcher", "/cohort/reports/{job_id}", ()),
    ("researcher", "/cohort/reports/{job_id}/report.{fmt}", ()), ("clinician", "/patients", ("key", "diagnosis", "gene", "after", "before")),
    ("clinician", "/patients/{key}", ()), ("clinician", "/api/hpo", ("q", "limit")), ("clinician", "/jobs/{job_id}", ()),
]


def _path(template: str, data) -> str:
    from urllib.parse import quote

    values = {"key": data.draw(st.one_of(st.sampled_from(KEYS), st.sampled_from(KEYS), text.filter(lambda s: "/" not in s and s not in ("", ".", "..")))),
              "plan_id": data.draw(st.one_of(st.just("1"), st.just("1"), st.integers(-5, 10**12).map(str), text.filter(lambda s: "/" not in s and s.strip(".")))),
              "fmt": data.draw(st.sampled_from(["ics", "csv", "pdf", "json", "txt", "html", "exe", ""])),
              "job_id": data.draw(st.one_of(text.filter(lambda s: "/" not in s and s.strip(".")), st.just("x"))),
              "username": data.draw(st.one_of(st.just("nobody"), text.filter(lambda s: "/" not in s and s.strip("."))))}
    return template.format(**{k: quote(v, safe="") for k, v in values.items()})


@pytest.mark.parametrize("role, method, template, page", FORMS, ids=[f[2] for f in FORMS])
def test_forms_never_give_a_server_error(app, clients, role, method, template, page):
    client = clients[role]
    names = fields_of(client.get(page).text) + ["extra", "f0-field", "l0-site"]
    if template in VALID:  # the unmutated form is accepted: the fuzzing below starts from a working request
        key = "WEB-CNO-1" if template.startswith("/cno") else "WEB-TX-1"
        ok = client.request(method, template.format(key=key, plan_id=1), data=VALID[template])
        assert ok.status_code < 400, ok.text[-500:]

    @FUZZ
    @given(data=st.data())
    def run(data):
        chosen = data.draw(st.lists(st.sampled_from(names), max_size=len(names), unique=True))
        base = dict(VALID.get(template, {}))
        dropped = data.draw(st.lists(st.sampled_from(sorted(base) or ["-"]), max_size=2, unique=True))
        form = {k: v for k, v in base.items() if k not in dropped}
        form.update({name: data.draw(value) for name in chosen[: data.draw(st.integers(0, 3))]})
        path = _path(template, data)
        if template.startswith("/api/") and data.draw(st.booleans()):
            body = data.draw(st.one_of(st.just(form), st.lists(text, max_size=3), st.integers(), text))
            r = client.post(path, json=body)
        else:
            r = client.request(method, path, data=form)
        STATUS[template, r.status_code] += 1
        assert r.status_code < 500, (path, form, r.text[:300])

    run()
    _no_failed_jobs(app)


@pytest.mark.parametrize("role, template, params", PAGES, ids=[p[1] for p in PAGES])
def test_pages_never_give_a_server_error(app, clients, role, template, params):
    client = clients[role]

    @FUZZ
    @given(data=st.data())
    def run(data):
        query = {p: data.draw(value) for p in params if data.draw(st.booleans())}
        path = _path(template, data)
        r = client.get(path, params=query)
        STATUS[template, r.status_code] += 1
        assert r.status_code < 500, (path, query, r.text[:300])

    run()


def test_imports_never_give_a_server_error(app, clients):
    client = clients["clinician"]

    @FUZZ
    @given(name=st.sampled_from(["a.json", "b.csv", "c.xlsx", "d.txt", "", "..json", "x/../../y.json"]),
           content=st.one_of(st.binary(max_size=300), text.map(str.encode),
                             st.sampled_from([b"{}", b"[]", b'{"id": 1}', b"patient_key,sex\nK,female\n", b"\xff\xfe"])))
    def run(name, content):
        r = client.post("/imports", files={"files": (name, content)})
        assert r.status_code < 500, (name, content, r.text[:300])

    run()
    _no_failed_jobs(app)

