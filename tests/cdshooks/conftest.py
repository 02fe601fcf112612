"""A test EHR and the rarebone CDS Hooks service, both real HTTP servers on loopback (uvicorn in threads).

The EHR signs real JWTs (ES384, a throwaway P-384 key made per test session), publishes its JWKS and serves a small
FHIR R4 endpoint (read and search by patient) that demands the access token it handed out in
``fhirAuthorization``. The service is built with ``create_cds_app`` exactly as ``python -m rarebone.cdshooks`` builds
it, and called over HTTP with httpx.
"""


import json
import socket
import threading
import time
import uuid
from pathlib import Path

import pytest

pytest.importorskip("fastapi", reason="the CDS Hooks service needs the web extra: pip install 'rarebone[web]'")
pytest.importorskip("jwt")
pytest.importorskip("fhir.resources", reason="FHIR intake needs the fhir extra")

ROOT = Path(__file__).resolve().parents[2]
SPEC = Path(__file__).parent / "spec-examples"


def _serve(app) -> tuple[str, object, threading.Thread]:
    import uvicorn

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.01)
    return f"http://127.0.0.1:{port}", server, thread


def free_socket() -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    return sock


class TestEhr:
    """The EHR side: keys, JWTs, FHIR data per patient, and a log of the FHIR requests it answered."""

    __test__ = False

    def __init__(self) -> None:
        import jwt
        from cryptography.hazmat.primitives.asymmetric import ec

        self.key = ec.generate_private_key(ec.SECP384R1())
        self.other_key = ec.generate_private_key(ec.SECP384R1())  # not in the JWKS: for bad-signature tests
        self.kid = "test-ehr-key-1"
        public = json.loads(jwt.algorithms.ECAlgorithm.to_jwk(self.key.public_key()))
        self.jwks = {"keys": [{**public, "kid": self.kid, "use": "sig", "alg": "ES384"}]}
        self.records: dict[str, list[dict]] = {}
        self.requests: list[str] = []
        self.jwks_requests = 0  # how often the JWKS was asked for
        self.jwks_down = False  # True: the JWKS endpoint answers 503
        self.access_token = "ehr-access-token-" + uuid.uuid4().hex
        self.url = ""

    def app(self):
        from fastapi import FastAPI, Request
        from fastapi.responses import JSONResponse

        app = FastAPI()

        @app.get("/jwks.json")
        def jwks():
            self.jwks_requests += 1
            if self.jwks_down:
                return JSONResponse({"error": "unavailable"}, status_code=503)
            return self.jwks

        def _authorised(request: Request) -> bool:
            return request.headers.get("authorization") == f"Bearer {self.access_token}"

        @app.get("/fhir/Patient/{pid}")
        def read_patient(pid: str, request: Request):
            self.requests.append(f"Patient/{pid}")
            if not _authorised(request):
                return JSONResponse({"resourceType": "OperationOutcome"}, status_code=401)
            found = [r for r in self.records.get(pid, []) if r["resourceType"] == "Patient"]
            if not found:
                return JSONResponse({"resourceType": "OperationOutcome"}, status_code=404)
            return found[0]

        @app.get("/fhir/{kind}")
        def search(kind: str, request: Request):
            self.requests.append(f"{kind}?{request.url.query}")
            if not _authorised(request):
                return JSONResponse({"resourceType": "OperationOutcome"}, status_code=401)
            pid = request.query_params.get("patient", "")
            codes = request.query_params.get("code")
            wanted = {c.split("|")[-1] for c in codes.split(",")} if codes else None
            hits = [r for r in self.records.get(pid, []) if r["resourceType"] == kind and (
                wanted is None or {c.get("code") for c in r.get("code", {}).get("coding", [])} & wanted)]
            return {"resourceType": "Bundle", "type": "searchset", "total": len(hits),
                    "entry": [{"resource": r, "search": {"mode": "match"}} for r in hits]}

        return app

    def sign(self, aud: str, *, key=None, kid: str | None = None, alg: str = "ES384", **claims) -> str:
        import jwt

        now = int(time.time())
        payload = {"iss": self.url, "aud": aud, "iat": now, "exp": now + 300, "jti": str(uuid.uuid4())}
        payload.update(claims)
        payload = {k: v for k, v in payload.items() if v is not None}
        return jwt.encode(payload, key or self.key, algorithm=alg,
                          headers={"kid": kid or self.kid, "typ": "JWT"})


@pytest.fixture(scope="session")
def ehr():
    e = TestEhr()
    e.url, server, thread = _serve(e.app())
    yield e
    server.should_exit = True
    thread.join(timeout=5)


class Cds:
    """The rarebone service under test, with helpers to call it as the EHR would."""

    def __init__(self, url: str, ehr: TestEhr, app) -> None:
        import httpx

        self.url, self.ehr, self.app = url, ehr, app
        self.http = httpx.Client(timeout=30)

    def call(self, service_id: str, body: dict, token: str | None = None, path: str | None = None):
        path = path or f"/cds-services/{service_id}"
        token = token if token is not None else self.ehr.sign(self.url + path)
        return self.http.post(self.url + path, json=body, headers={"Authorization": f"Bearer {token}"})

    def discovery(self, token: str | None = None):
        token = token if token is not None else self.ehr.sign(self.url + "/cds-services")
        return self.http.get(self.url + "/cds-services", headers={"Authorization": f"Bearer {token}"})


@pytest.fixture(scope="session")
def cds(ehr, tmp_path_factory):
    from rarebone.cdshooks import CdsSettings, Issuer, create_cds_app

    import uvicorn

    sock = free_socket()
    url = f"http://127.0.0.1:{sock.getsockname()[1]}"
    db = tmp_path_factory.mktemp("cds") / "registry.sqlite"
    settings = CdsSettings(base_url=url, issuers=[Issuer(iss=ehr.url, jwks_url=ehr.url + "/jwks.json")],
                           workbench_url="https://workbench.hospital.example", registry_db=f"sqlite:///{db}",
                           cors_origins=["https://ehr.hospital.example"])
    app = create_cds_app(settings)
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.01)
    client = Cds(url, ehr, app)
    yield client
    client.http.close()
    server.should_exit = True
    thread.join(timeout=5)


# --- requests built from FHIR data -------------------------------------------------------------------------

def bundle_resources(path: Path) -> list[dict]:
    return [e["resource"] for e in json.loads(path.read_text())["entry"]]


def searchset(resources: list[dict], kind: str) -> dict:
    return {"resourceType": "Bundle", "type": "searchset",
            "entry": [{"resource": r, "search": {"mode": "match"}} for r in resources if r["resourceType"] == kind]}


def patient_view_request(resources: list[dict], *, prefetch: bool = True, fhir: str | None = None,
                         token: str | None = None) -> dict:
    patient = next(r for r in resources if r["resourceType"] == "Patient")
    body = {"hook": "patient-view", "hookInstance": str(uuid.uuid4()),
            "context": {"userId": "Practitioner/example", "patientId": patient["id"]}}
    if prefetch:
        body["prefetch"] = {"patient": patient, "conditions": searchset(resources, "Condition"),
                            "observations": searchset(resources, "Observation"),
                            "medications": searchset(resources, "MedicationRequest"),
                            "reports": searchset(resources, "DiagnosticReport")}
    if fhir:
        body["fhirServer"] = fhir
        body["fhirAuthorization"] = {"access_token": token, "token_type": "Bearer", "expires_in": 300,
                                     "scope": "user/Patient.read user/Condition.read user/Observation.read "
                                              "user/MedicationRequest.read", "subject": "rarebone-cds"}
    return body
