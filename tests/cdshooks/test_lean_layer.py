"""The lean HTTP layer (asgi.py, the default) answers exactly as the FastAPI layer (http_layer = "fastapi") did:
same status, same headers, same bytes, for the specification's request examples, the 75 published cases as FHIR
charts, order-sign calls and every error. Both applications are built from the same settings and called in
process (Starlette's TestClient); card and suggestion uuids are drawn from a counter reset before each call, so
the two answers can be compared byte for byte. Also: a call that must wait on the network (JWKS not cached,
prefetch to fetch) leaves the event loop for a thread (NeedsIO) before any side effect."""

import itertools
import json
import time
import uuid
from types import SimpleNamespace

import pytest

from rarebone.core.clock import today

from .conftest import ROOT, SPEC, bundle_resources, patient_view_request
from .pp2fhir import convert
from .test_real_cases import CASES

BASE = "https://cds.hospital.example"
PV, OS = "rarebone-patient-view", "rarebone-order-sign"
# Starlette warns that its TestClient will move to httpx2; the client works the same for these calls.
pytestmark = pytest.mark.filterwarnings("ignore:Using `httpx` with `starlette.testclient`")
HEADERS = ("content-type", "content-length", "www-authenticate", "access-control-allow-origin", "allow", "location")


@pytest.fixture(scope="module")
def layers(ehr, tmp_path_factory):
    from starlette.testclient import TestClient

    from rarebone.cdshooks import CdsSettings, Issuer, create_cds_app

    out = {}
    for layer in ("lean", "fastapi"):
        db = tmp_path_factory.mktemp(layer) / "registry.sqlite"
        settings = CdsSettings(base_url=BASE, issuers=[Issuer(iss=ehr.url, jwks_url=ehr.url + "/jwks.json")],
                               workbench_url="https://workbench.hospital.example", registry_db=f"sqlite:///{db}",
                               cors_origins=["https://ehr.hospital.example"], http_layer=layer)
        out[layer] = TestClient(create_cds_app(settings), base_url=BASE)
    assert type(out["lean"].app).__name__ == "LeanCdsApp" and type(out["fastapi"].app).__name__ == "FastAPI"
    yield out
    for client in out.values():
        client.close()


@pytest.fixture(autouse=True)
def counted_uuids(monkeypatch):
    """uuid4 in cards.py and orders.py from a counter, reset by ``same`` before each of the two calls."""
    counter = {"n": itertools.count()}
    fake = SimpleNamespace(uuid4=lambda: uuid.UUID(int=next(counter["n"])))
    monkeypatch.setattr("rarebone.cdshooks.cards.uuid", fake)
    monkeypatch.setattr("rarebone.cdshooks.orders.uuid", fake)
    return counter


def same(layers, counted_uuids, method: str, path: str, *, body=None, raw: bytes | None = None, token="sign",
         headers: dict | None = None, ehr=None):
    """Send one request to each layer (a fresh JWT each, the same claims); both answers must be identical."""
    answers = []
    for layer in ("lean", "fastapi"):
        counted_uuids["n"] = itertools.count()
        h = dict(headers or {})
        if token == "sign":
            h["Authorization"] = f"Bearer {ehr.sign(BASE + path)}"
        elif token is not None:
            h["Authorization"] = token
        content = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
        if content is not None:
            h.setdefault("Content-Type", "application/json")
        r = layers[layer].request(method, path, content=content, headers=h, follow_redirects=False)
        answers.append((r.status_code, {k: r.headers.get(k) for k in HEADERS}, r.content))
    assert answers[0] == answers[1]
    return answers[0]


def _spec(name: str) -> dict:
    return json.loads((SPEC / name).read_text())


@pytest.mark.parametrize("name, offline_answer, online_answer", [
    ("request-patient-view.json", (412, b"fhirServer"), (412, b"401")),
    ("request-extension.json", (400, b"patientId"), (400, b"patientId")),  # its context has no patientId
])
def test_spec_request_examples_identical_with_and_without_fhir_server(layers, counted_uuids, ehr, name,
                                                                      offline_answer, online_answer):
    example = _spec(name)
    # As published, without a reachable server: the prefetch lacks our keys -> 412 from both layers.
    offline = {k: v for k, v in example.items() if k not in ("fhirServer", "fhirAuthorization")}
    status, _, body = same(layers, counted_uuids, "POST", f"/cds-services/{PV}", body=offline, ehr=ehr)
    assert status == offline_answer[0] and offline_answer[1] in body
    # With the test EHR as fhirServer: the lean layer goes to a thread to fetch (NeedsIO), the EHR refuses the
    # example's opaque token, both answer the same 412.
    online = dict(example, fhirServer=ehr.url + "/fhir")
    status, _, body = same(layers, counted_uuids, "POST", f"/cds-services/{PV}", body=online, ehr=ehr)
    assert status == online_answer[0] and online_answer[1] in body


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_published_case_charts_identical(layers, counted_uuids, ehr, path):
    body = patient_view_request(convert(json.loads(path.read_text()), today()))
    status, headers, raw = same(layers, counted_uuids, "POST", f"/cds-services/{PV}", body=body, ehr=ehr)
    assert status == 200 and headers["content-type"] == "application/json" and json.loads(raw)["cards"] is not None


def test_tcirg1_chart_identical_with_cors_and_when_fetched(layers, counted_uuids, ehr):
    resources = bundle_resources(ROOT / "examples/fhir/tcirg1-infant-bundle.json")
    body = patient_view_request(resources)
    status, headers, raw = same(layers, counted_uuids, "POST", f"/cds-services/{PV}", body=body, ehr=ehr,
                                headers={"Origin": "https://ehr.hospital.example"})
    assert status == 200 and headers["access-control-allow-origin"] == "https://ehr.hospital.example"
    assert len(json.loads(raw)["cards"]) >= 2
    # No prefetch: fetched from the test EHR (lean: in a worker thread); same cards, same notes.
    pid = "lean-fetch-1"
    ehr.records[pid] = json.loads(json.dumps(resources).replace("TCIRG1-infant", pid))
    fetched = patient_view_request(ehr.records[pid], prefetch=False, fhir=ehr.url + "/fhir", token=ehr.access_token)
    before = len(ehr.requests)
    status, _, raw = same(layers, counted_uuids, "POST", f"/cds-services/{PV}", body=fetched, ehr=ehr)
    # five prefetch keys (patient, conditions, observations, medications, reports), fetched by each layer
    assert status == 200 and b"fetched from the FHIR server" in raw and len(ehr.requests) == before + 10


def test_order_sign_identical(layers, counted_uuids, ehr):
    from .test_order_sign import _order, _patient, _request

    orders = [_order("lean-os", "anakinra", 1000), _order("lean-os", "pamidronate", 1)]
    body = _request("lean-os", orders, _patient("lean-os", weight_kg=20))
    status, _, raw = same(layers, counted_uuids, "POST", f"/cds-services/{OS}", body=body, ehr=ehr)
    assert status == 200 and json.loads(raw)["cards"]
    no_weight = _request("lean-os2", orders, _patient("lean-os2"))
    assert same(layers, counted_uuids, "POST", f"/cds-services/{OS}", body=no_weight, ehr=ehr)[0] == 200


def test_errors_identical(layers, counted_uuids, ehr):
    tcirg1 = patient_view_request(bundle_resources(ROOT / "examples/fhir/tcirg1-infant-bundle.json"))
    pv = f"/cds-services/{PV}"
    cases = [
        dict(method="POST", path=pv, body=tcirg1, token=None),  # no JWT
        dict(method="POST", path=pv, body=tcirg1, token="Bearer not-a-jwt"),
        dict(method="POST", path=pv, body=tcirg1, token="Basic abc"),
        dict(method="POST", path=pv, body=tcirg1, token=f"Bearer {ehr.sign(BASE + '/cds-services')}"),  # audience
        dict(method="POST", path=pv, body=tcirg1, token=f"Bearer {ehr.sign(BASE + pv, key=ehr.other_key)}"),
        dict(method="POST", path=pv, body=tcirg1, token=f"Bearer {ehr.sign(BASE + pv, iss='https://evil')}"),
        dict(method="POST", path=pv, body=tcirg1, token=f"Bearer {ehr.sign(BASE + pv, exp=int(time.time()) - 3600)}"),
        dict(method="POST", path=pv, body=tcirg1, token=f"Bearer {ehr.sign(BASE + pv, kid='unknown-kid')}"),
        dict(method="POST", path=pv, raw=b"{not json"),
        dict(method="POST", path=pv, raw=b"\xff\xfe"),
        dict(method="POST", path=pv, raw=b"[]"),
        dict(method="POST", path=pv, body={k: v for k, v in tcirg1.items() if k != "hookInstance"}),
        dict(method="POST", path=pv, body=dict(tcirg1, hook="order-sign")),
        dict(method="POST", path=pv, body=dict(tcirg1, context={"userId": "Practitioner/x"})),
        dict(method="POST", path=pv, body=dict(tcirg1, prefetch={})),  # 412: nothing to read, no fhirServer
        dict(method="POST", path=pv, body=dict(tcirg1, prefetch=dict(tcirg1["prefetch"], patient=None))),
        dict(method="POST", path=pv, body=dict(tcirg1, fhirAuthorization={"access_token": "x"})),
        dict(method="POST", path=f"/cds-services/{OS}", body=dict(tcirg1, hook="order-sign")),  # no draftOrders
        dict(method="POST", path="/cds-services/no-such-service", body=tcirg1),  # 404, fallback route
        dict(method="GET", path=pv, token=None),  # 405
        dict(method="PUT", path="/cds-services", token=None),  # 405
        dict(method="GET", path="/elsewhere", token=None),  # 404
        dict(method="POST", path=pv + "/", body=tcirg1, token=None),  # trailing slash: redirect
        dict(method="GET", path="/cds-services"),  # discovery
        dict(method="GET", path="/cds-services", token=None),
        dict(method="POST", path=f"/cds-services/{PV}/feedback", body=_spec("feedback-accepted.json")),
        dict(method="POST", path=f"/cds-services/{PV}/feedback", body={"feedback": [{"card": "x"}]}),
        dict(method="OPTIONS", path=pv, token=None, headers={"Origin": "https://ehr.hospital.example",
                                                             "Access-Control-Request-Method": "POST"}),
    ]
    statuses = set()
    for case in cases:
        statuses.add(same(layers, counted_uuids, ehr=ehr, **case)[0])
    assert statuses >= {200, 400, 401, 404, 405, 412}


def test_replayed_jti_refused_by_the_lean_layer(layers, ehr):
    path = f"/cds-services/{PV}"
    token = f"Bearer {ehr.sign(BASE + path)}"
    body = patient_view_request(bundle_resources(ROOT / "examples/fhir/tcirg1-infant-bundle.json"))
    client = layers["lean"]
    assert client.post(path, json=body, headers={"Authorization": token}).status_code == 200
    again = client.post(path, json=body, headers={"Authorization": token})
    assert again.status_code == 401 and "replay" in again.json()["error"]


# --- NeedsIO: raised before the network is touched, never after a side effect ---------------------------------

def test_gather_raises_needs_io_only_when_it_would_fetch(ehr):
    from rarebone.cdshooks.blocking import NeedsIO
    from rarebone.cdshooks.fhirdata import gather
    from rarebone.cdshooks.models import HookRequest

    templates = {"patient": "Patient/{{context.patientId}}", "conditions": "Condition?patient={{context.patientId}}"}
    full = HookRequest.model_validate({"hook": "patient-view", "hookInstance": "h", "fhirServer": ehr.url + "/fhir",
                                       "context": {"patientId": "p"},
                                       "prefetch": {"patient": {"resourceType": "Patient", "id": "p"},
                                                    "conditions": None}})
    assert gather(full, templates, io=False).values["conditions"] is None  # complete prefetch: no network
    partial = full.model_copy(update={"prefetch": {"patient": {"resourceType": "Patient", "id": "p"}}})
    before = len(ehr.requests)
    with pytest.raises(NeedsIO):
        gather(partial, templates, io=False)
    assert len(ehr.requests) == before  # nothing was fetched


def test_verifier_raises_needs_io_before_recording_the_jti(ehr):
    from rarebone.cdshooks import CdsSettings, Issuer
    from rarebone.cdshooks.auth import Verifier
    from rarebone.cdshooks.blocking import NeedsIO

    verifier = Verifier(CdsSettings(base_url=BASE, issuers=[Issuer(iss=ehr.url, jwks_url=ehr.url + "/jwks.json")]))
    token = f"Bearer {ehr.sign(BASE + '/p')}"
    with pytest.raises(NeedsIO):
        verifier.verify(token, "/p", io=False)  # key set not fetched yet
    assert verifier.verify(token, "/p", io=True)["iss"] == ehr.url  # the same token still works: jti not spent
    second = f"Bearer {ehr.sign(BASE + '/p')}"
    assert verifier.verify(second, "/p", io=False)["iss"] == ehr.url  # keys cached: no network needed


def test_fhir_path_lookup_matches_the_longest_registered_prefix():
    """The prefix lookup of _Translation.fhir_path gives what the former scan of every registered path gave."""
    from rarebone.intake.fhir import _Translation

    tr = _Translation()
    tr.paths = {"$.phenotypicFeatures[1]": "$.entry[3].resource", "$.phenotypicFeatures[1].type": "$.entry[3].resource.code",
                "$.measurements[0]": "$.entry[5].resource", "$.phenotypicFeatures[10]": "$.entry[9].resource", "$": "$"}

    def scan(p):
        best = max((k for k in tr.paths if p == k or p.startswith(k + ".") or p.startswith(k + "[")), key=len,
                   default=None)
        return tr.paths[best] if best else p

    probes = ["$.phenotypicFeatures[1]", "$.phenotypicFeatures[1].type.id", "$.phenotypicFeatures[10].onset",
              "$.phenotypicFeatures[100]", "$.measurements[0].value[2]", "$.measurements", "$.x", "", None, "id",
              "$.phenotypicFeatures[1]x"]
    for p in probes:
        assert tr.fhir_path(p) == scan(p) if p else tr.fhir_path(p) == p, p


@pytest.mark.parametrize("mount", ["", "/cds"])
def test_hot_routes_answered_by_the_lean_route_itself_at_the_root_and_under_a_mount(ehr, tmp_path, mount):
    """The workbench mounts the service at /cds: the lean route must still see its own paths (root_path), not
    hand the hook calls to the FastAPI fallback (made to fail here)."""
    from starlette.applications import Starlette
    from starlette.routing import Mount
    from starlette.testclient import TestClient

    from rarebone.cdshooks import CdsSettings, Issuer, create_cds_app

    settings = CdsSettings(base_url=BASE + mount, issuers=[Issuer(iss=ehr.url, jwks_url=ehr.url + "/jwks.json")],
                           registry_db=f"sqlite:///{tmp_path / 'r.sqlite'}")
    lean = create_cds_app(settings)

    async def no_fallback(scope, receive, send):
        raise AssertionError(f"fallback used for {scope['path']}")

    lean.fallback = no_fallback
    app = Starlette(routes=[Mount(mount, app=lean)]) if mount else lean
    client = TestClient(app, base_url=BASE)
    body = patient_view_request(bundle_resources(ROOT / "examples/fhir/tcirg1-infant-bundle.json"))
    path = f"/cds-services/{PV}"
    r = client.post(mount + path, json=body, headers={"Authorization": f"Bearer {ehr.sign(BASE + mount + path)}"})
    assert r.status_code == 200 and r.json()["cards"]
    d = client.get(mount + "/cds-services",
                   headers={"Authorization": f"Bearer {ehr.sign(BASE + mount + '/cds-services')}"})
    assert d.status_code == 200 and {s["id"] for s in d.json()["services"]} >= {PV, OS}
    with pytest.raises(AssertionError, match="fallback used"):
        client.post(mount + f"/cds-services/{PV}/feedback", json={"feedback": []})
