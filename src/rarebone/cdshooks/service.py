"""The CDS Hooks 2.0 service: discovery, patient-view, order-sign, feedback (docs/ehr-integration.md).

``create_cds_router(settings)`` gives the routes alone (for ``rarebone serve`` to include beside the workbench);
``create_cds_app(settings)`` wraps them in an application with CORS, as the specification recommends for
browser-based CDS clients. TLS is the reverse proxy's job. Logs name the service, status, duration and card
count, never a patient id or any clinical value.
"""

# no "from __future__ import annotations": FastAPI must see the route annotations (imported lazily) as objects

import logging
import time
from typing import Any

from rarebone.cdshooks.auth import AuthError, Verifier
from rarebone.cdshooks.fhirdata import PreconditionFailed
from rarebone.cdshooks.models import CdsResponse, DiscoveryResponse, Service
from rarebone.cdshooks.settings import CdsSettings

log = logging.getLogger("rarebone.cdshooks")

PATIENT_VIEW_ID = "rarebone-patient-view"
ORDER_SIGN_ID = "rarebone-order-sign"
ORDER_SELECT_ID = "rarebone-order-select"
_PID = "{{context.patientId}}"
# Prefetch keys a call may lack without a fhirServer to fetch them from: the answer then says what was not read
# (412 would be a worse answer: an EHR that cannot search DiagnosticReports still has the chart).
_OPTIONAL_KEYS = frozenset({"plan", "reports"})
# Prefetch keys that are not the child's record: order-sign's "plan" is rarebone's own plan (draft proposals), read
# by the dose check only. In the record the intake would list each of its ~30 orders as "draft, not used".
_NOT_RECORD = frozenset({"plan"})


def _loinc_codes(kb, key: str) -> str:
    from rarebone.knowledge.kinds.base import Analyte

    entry = next(a for a in kb.of_kind(Analyte) if a.key == key)
    return ",".join(f"http://loinc.org|{c}" for c in entry.loinc)


def services(kb) -> list[Service]:
    dose_prefetch = {"patient": f"Patient/{_PID}",
                     "weight": f"Observation?patient={_PID}&code={_loinc_codes(kb, 'weight')}&_sort=-date&_count=1",
                     "height": f"Observation?patient={_PID}&code={_loinc_codes(kb, 'height')}&_sort=-date&_count=1",
                     "plan": f"MedicationRequest?patient={_PID}&intent=proposal&status=draft"}
    return [
        Service(hook="patient-view", id=PATIENT_VIEW_ID, title="rarebone: osteopetrosis and CNO red flags",
                description="Reads the chart when it is opened and returns a card only when there is something to "
                "say: suspicion of infantile osteopetrosis or CNO (moderate or high), an urgent HSCT referral, the "
                "leukaemia/JMML look-alike, a dangerous CNO look-alike not yet excluded. Decision support, to be "
                "checked by the responsible clinician.",
                prefetch={"patient": f"Patient/{_PID}", "conditions": f"Condition?patient={_PID}",
                          "observations": f"Observation?patient={_PID}",
                          "medications": f"MedicationRequest?patient={_PID}",
                          "reports": f"DiagnosticReport?patient={_PID}"},
                usageRequirements="Laboratory Observations older than the window of knowledge entry "
                "CDS-OBSERVATION-WINDOW are not read; prefetch tokens cannot carry a date, so the template asks for "
                "all Observations. Without prefetch the service fetches from fhirServer with fhirAuthorization. "
                "'reports' (optional): the coded conclusions (conclusionCode) of radiology and pathology reports are "
                "read as findings; without it and without fhirServer the card says the reports were not read."),
        Service(hook="order-sign", id=ORDER_SIGN_ID, title="rarebone: weight-based dose check",
                description="Checks draft MedicationRequests for anakinra, pamidronate and the conditioning agents "
                "of the transplant protocols against the published weight-based dose and cap; a warning card with "
                "the corrected amount as a suggestion. Needs the child's weight (and height for per-m2 drugs).",
                prefetch=dict(dose_prefetch),
                usageRequirements="'plan' (optional): the child's transplant plan as rarebone writes it (plan "
                "--format fhir: draft MedicationRequests, intent proposal, one per day); when given, an order for "
                "a planned drug on a planned day is also checked against the planned amount."),
        Service(hook="order-select", id=ORDER_SELECT_ID, title="rarebone: weight-based dose check while ordering",
                description="The order-sign check, while the order is being built: the newly selected draft "
                "MedicationRequests (context.selections) for anakinra, pamidronate and the conditioning agents "
                "against the published weight-based dose and cap; a warning card with the corrected amount as a "
                "suggestion. Needs the child's weight (and height for per-m2 drugs).",
                prefetch=dict(dose_prefetch),
                usageRequirements="As rarebone-order-sign; only the orders named in context.selections are "
                "checked, the other draft orders are context."),
    ]


class CdsService:
    """Everything the routes share: settings, verifier (JWKS and jti caches), card index, feedback store."""

    def __init__(self, settings: CdsSettings) -> None:
        from rarebone.cdshooks.feedback import CardIndex, FeedbackStore
        from rarebone.knowledge import load

        self.settings = settings
        self.verifier = Verifier(settings)
        self.kb = load()
        self.services = {s.id: s for s in services(self.kb)}
        self.cards = CardIndex()
        self.feedback = FeedbackStore(settings.registry_db)
        self.assessments = _Lru(settings.assessment_cache_size)

    def warm_up(self) -> None:
        """One patient-view of a made-up chart at start-up, so that the first EHR call after a start does not pay
        for the modules, models and tables loaded on first use (~0.3-0.6 s of that call). Nothing is kept: the
        chart lacks the optional ``reports`` key, so its assessment is not cached; no card is indexed for feedback
        and nothing is logged. Called by the processes that serve calls (asgi.LeanCdsApp)."""
        from rarebone.cdshooks.models import HookRequest

        service = next((s for s in self.services.values() if s.hook == "patient-view"), None)
        if service is None:
            return
        request = HookRequest.model_validate(_warm_up_request())
        self._patient_view(request, service, io=False).model_dump(mode="json", exclude_none=True)

    def authenticate(self, authorization: str | None, path: str, io: bool = True) -> dict:
        if not self.settings.require_auth:
            return {"iss": "unauthenticated (require_auth off)"}
        return self.verifier.verify(authorization, path, io)

    # -- hooks -----------------------------------------------------------------------------------------------
    def call(self, service_id: str, body: Any, io: bool = True) -> dict:
        """One hook call -> the response body. ``io`` False (on the event loop): NeedsIO before any fetch."""
        from pydantic import ValidationError

        from rarebone.cdshooks.models import HookRequest

        service = self.services[service_id]
        try:
            request = HookRequest.model_validate(body)
        except ValidationError as exc:
            raise BadRequest(_first_error(exc)) from None
        if request.hook != service.hook:
            raise BadRequest(f"this service answers the {service.hook} hook, not {request.hook!r}")
        handler = {"patient-view": self._patient_view, "order-sign": self._order_sign,
                   "order-select": self._order_select}[service.hook]
        response = handler(request, service, io)
        for card in response.cards:
            self.cards.add(card.uuid, f"fhir:{request.context.get('patientId')}", service_id, request.hookInstance)
        return response.model_dump(mode="json", exclude_none=True)

    def _maker(self, patient_id: str, notes: list[str]):
        from rarebone.cdshooks.cards import CardMaker

        return CardMaker(self.kb, self.settings.workbench_url, self.settings.workbench_link_type, patient_id, notes)

    def _read(self, request, service, io: bool = True) -> tuple[Any, list[str], list[str], dict]:
        """Prefetch/fetch -> Bundle -> intake: (IntakeResult or None, notes, read errors or [], values by key)."""
        from rarebone.cdshooks.fhirdata import gather
        from rarebone.cdshooks.record import build_bundle, months_ago
        from rarebone.core.clock import today
        from rarebone.errors import InputError
        from rarebone.intake.fhir import read_bundle_dict

        got = gather(request, service.prefetch, None, self.settings.fhir_timeout_seconds,
                     self.settings.fhir_max_pages, optional=_OPTIONAL_KEYS, io=io)
        if got.values.get("patient") is None:
            raise PreconditionFailed("the Patient is null in the prefetch or not found on the FHIR server")
        cutoff = None
        if "observations" in service.prefetch:
            cutoff = months_ago(today(), int(self.kb.get("CDS-OBSERVATION-WINDOW").values["months"]))
        bundle, notes = build_bundle({k: v for k, v in got.values.items() if k not in _NOT_RECORD}, "patient", cutoff)
        notes = got.notes + notes + ([f"fetched from the FHIR server: {', '.join(got.fetched)}"] if got.fetched else [])
        try:
            result = read_bundle_dict(bundle, source=f"CDS Hooks {request.hookInstance}",
                                      validation=self.settings.prefetch_validation)
        except InputError as exc:
            return None, notes, [str(exc)], got.values
        notes += [w for w in result.warnings if w.startswith("FHIR:")]
        return result, notes, [], got.values

    def _unreadable(self, maker, errors: list[str], service: Service) -> CdsResponse:
        from rarebone.cdshooks.cards import _source

        card = maker.card("rarebone could not read this record; no osteopetrosis/CNO check was made", "info",
                          "**The record could not be read**\n\n" + "\n".join(f"- {e}" for e in errors),
                          _source(self.kb, f"rarebone {service.id}", "record-unreadable", "Record unreadable", []), [])
        return CdsResponse(cards=[card])

    def _patient_view(self, request, service: Service, io: bool = True) -> CdsResponse:
        from rarebone.cdshooks.cards import patient_view_cards
        from rarebone.cdshooks.models import PatientViewContext
        from rarebone.workflows.assess import card_findings

        context = _context(PatientViewContext, request.context)
        key = self._cache_key(request, service)
        cached = self.assessments.get(key) if key else None
        if cached is None:
            # Fetched Observations are not narrowed by date in the query: coded findings and variants count
            # whatever their age, exactly as with a prefetch; the window applies to laboratory values only.
            result, notes, errors, _ = self._read(request, service, io)
            # The rules' findings the cards show (not the whole Assessment: no card shows donors or citations).
            assessment = None if errors else card_findings(result.patient, self.kb)
            cached = (assessment, notes, errors)
            if key:
                self.assessments.put(key, cached)
        assessment, notes, errors = cached
        maker = self._maker(context.patientId, notes)
        if errors:
            return self._unreadable(maker, errors, service)
        # Cards are built afresh on every call: each gets its own uuid, as feedback requires.
        return CdsResponse(cards=patient_view_cards(assessment, self.kb, maker, f"Patient/{context.patientId}"))

    def _cache_key(self, request, service: Service) -> str | None:
        """Same patient id, same complete prefetch, same day -> same assessment (the rules are deterministic).
        Only a complete prefetch is cached: data we fetch ourselves may have changed since."""
        import hashlib
        import marshal

        from rarebone.core.clock import today

        prefetch = request.prefetch or {}
        if any(k not in prefetch for k in service.prefetch):
            return None
        # The digest of the data as parsed from the request (JSON types only). marshal, not json.dumps with sorted
        # keys (~0.2 ms for a 12 KB prefetch) nor pickle (~0.02 ms more than marshal): paid by every call, hit or
        # miss. marshal is lossless for these types (different data, different bytes); it is only ever written,
        # never loaded. The same data with keys in another order (or shared differently in memory) may give
        # another key: a cache miss, which changes nothing in the answer.
        try:
            data = marshal.dumps([service.id, request.context.get("patientId"), today().isoformat(), prefetch])
        except ValueError:  # not JSON types (not from a request body): no caching
            return None
        return hashlib.sha256(data).hexdigest()

    def _order_sign(self, request, service: Service, io: bool = True) -> CdsResponse:
        from rarebone.cdshooks.models import OrderSignContext

        context = _context(OrderSignContext, request.context)
        return self._dose_cards(request, service, io, context, context.draftOrders)

    def _order_select(self, request, service: Service, io: bool = True) -> CdsResponse:
        """order-select: the same dose check, a card of its own for the orders named in ``selections`` only (2.0
        hook page: the selections are the focus, the other draft orders are context); the rest of the basket counts
        in a drug's sum for the day."""
        from rarebone.cdshooks.models import OrderSelectContext

        context = _context(OrderSelectContext, request.context)
        return self._dose_cards(request, service, io, context, context.draftOrders, set(context.selections))

    def _dose_cards(self, request, service: Service, io: bool, context, draft_orders: dict,
                    focus: set[str] | None = None) -> CdsResponse:
        from rarebone.cdshooks.orders import Weight, order_cards

        result, notes, errors, values = self._read(request, service, io)
        maker = self._maker(context.patientId, notes)
        if errors:
            return self._unreadable(maker, errors, service)
        w = Weight(None, None, "no weight recorded")
        weights = sorted(result.patient.measurements_of("weight"), key=_when)
        heights = sorted(result.patient.measurements_of("height"), key=_when)
        if weights:
            last = weights[-1]
            w.kg = last.value
            w.when = f"recorded {last.time.describe()}" if last.time else "date not recorded"
        if heights:
            w.height_cm = heights[-1].value
        from rarebone.cdshooks.fhirdata import resources

        plan = [r for r in resources(values.get("plan"))
                if r.get("resourceType") == "MedicationRequest" and r.get("intent") == "proposal"]
        return CdsResponse(cards=order_cards(self.kb, draft_orders, w, maker, plan, focus))

    # -- feedback --------------------------------------------------------------------------------------------
    def discovery(self) -> dict:
        return DiscoveryResponse(services=list(self.services.values())).model_dump(mode="json", exclude_none=True)

    def store_feedback(self, service_id: str, body: Any, claims: dict) -> int:
        from pydantic import ValidationError

        from rarebone.cdshooks.models import FeedbackRequest

        try:
            request = FeedbackRequest.model_validate(body)
        except ValidationError as exc:
            raise BadRequest(_first_error(exc)) from None
        actor = f"cds-hooks {claims.get('iss')}" + (f" tenant {claims['tenant']}" if claims.get("tenant") else "")
        items = [f.model_dump(mode="json", exclude_none=True) for f in request.feedback]
        return self.feedback.store(service_id, items, actor, self.cards)


def _warm_up_request() -> dict:
    """A made-up chart for CdsService.warm_up: SNOMED CT, ICD-10 and text-only problems, a laboratory value, an order
    and an (empty) rarebone extension, so that each reader and code table is loaded. Not a patient; no card
    decision depends on these values."""
    from rarebone.intake.fhir import EXTENSION_URL

    pid = "rarebone-warm-up"
    ref = {"reference": f"Patient/{pid}"}
    resources = [
        {"resourceType": "Condition", "id": "w1", "subject": ref,
         "code": {"coding": [{"system": "http://snomed.info/sct", "code": "1926006", "display": "Osteopetrosis"}]}},
        {"resourceType": "Condition", "id": "w2", "subject": ref, "code": {"text": "bone pain"}},
        {"resourceType": "Condition", "id": "w5", "subject": ref,
         "code": {"coding": [{"system": "http://hl7.org/fhir/sid/icd-10", "code": "M86.3"}]}},
        {"resourceType": "Observation", "id": "w3", "status": "final", "subject": ref,
         "code": {"coding": [{"system": "http://loinc.org", "code": "718-7"}]}, "effectiveDateTime": "2020-06-01",
         "valueQuantity": {"value": 10, "unit": "g/dL", "system": "http://unitsofmeasure.org", "code": "g/dL"}},
        {"resourceType": "MedicationRequest", "id": "w4", "status": "active", "intent": "order", "subject": ref,
         "medicationCodeableConcept": {"text": "naproxen"}, "authoredOn": "2020-06-01"},
    ]

    def searchset(kind: str) -> dict:
        return {"resourceType": "Bundle", "type": "searchset",
                "entry": [{"resource": r} for r in resources if r["resourceType"] == kind]}

    return {"hook": "patient-view", "hookInstance": "00000000-0000-4000-8000-000000000000",
            "context": {"userId": "Practitioner/rarebone-warm-up", "patientId": pid},
            "prefetch": {"patient": {"resourceType": "Patient", "id": pid, "gender": "unknown",
                                     "birthDate": "2020-01-01",
                                     "extension": [{"url": EXTENSION_URL, "valueString": "{}"}]},
                         "conditions": searchset("Condition"), "observations": searchset("Observation"),
                         "medications": searchset("MedicationRequest")}}


def _when(m) -> str:
    return m.time.timestamp.isoformat() if m.time and m.time.timestamp else ""


class _Lru:
    """A small thread-safe LRU of recent assessments (a chart opened again, by another clinician or tab), keeping a
    chart's assessment from the second time the same prefetch is seen.

    Why the second time: most charts are opened once, and every kept assessment is ~160 objects that the cyclic
    collector scans when it next runs. Kept from the first sight, the ~100 distinct charts between two collections
    made each young-generation collection take 9-15 ms instead of ~1 ms (in process, 3,000 distinct charts): a
    pause in the middle of a worker's turn, which delayed every call of that turn and set the p99 at 50 concurrent
    calls (docs/cds-speed-log.md). The keys seen once are kept as strings only (at most four times ``size``)."""

    def __init__(self, size: int) -> None:
        import threading
        from collections import OrderedDict

        self.size, self.items, self.lock = size, OrderedDict(), threading.Lock()
        self.seen_once: OrderedDict[str, None] = OrderedDict()

    def get(self, key: str):
        with self.lock:
            if key in self.items:
                self.items.move_to_end(key)
                return self.items[key]
        return None

    def put(self, key: str, value) -> None:
        if self.size <= 0:
            return
        with self.lock:
            if self.seen_once.pop(key, False) is False:
                self.seen_once[key] = None
                while len(self.seen_once) > 4 * self.size:
                    self.seen_once.popitem(last=False)
                return
            self.items[key] = value
            while len(self.items) > self.size:
                self.items.popitem(last=False)


class BadRequest(Exception):
    pass


def _first_error(exc) -> str:
    err = exc.errors()[0]
    where = "$." + ".".join(str(p) for p in err["loc"]) if err["loc"] else "$"
    return f"{where}: {err['msg']}"


def _context(model, context: dict):
    from pydantic import ValidationError

    try:
        return model.model_validate(context)
    except ValidationError as exc:
        raise BadRequest("context" + _first_error(exc)[1:]) from None


NOT_JSON = object()  # the body of a request that did not parse as JSON (400 once the JWT is checked)


def answer(cds: CdsService, path: str, authorization: str | None, work, label: str, started: float,
           io: bool = True, claims: dict | None = None) -> tuple[int, dict]:
    """One call, both HTTP layers: the JWT checked, ``work(claims, io)`` done, every failure mapped to its status
    and one sentence; the log line. ``io`` False: the call runs on the event loop and NeedsIO (with the claims
    when they are already verified) is raised where it would wait on the network; nothing is logged then."""
    from rarebone.cdshooks.blocking import NeedsIO

    status, cards = 200, "-"
    try:
        if claims is None:
            claims = cds.authenticate(authorization, path, io)
        result = work(claims, io)
        if isinstance(result, dict) and "cards" in result:
            cards = str(len(result["cards"]))
        return 200, result
    except NeedsIO as exc:
        exc.claims, status = claims, None
        raise
    except AuthError as exc:
        status, message = 401, str(exc)
    except PreconditionFailed as exc:
        status, message = 412, str(exc)
    except BadRequest as exc:
        status, message = 400, str(exc)
    except Exception as exc:  # noqa: BLE001 - the message may quote patient data: log its type only
        status = 500
        log.error("%s %s failed: %s", label, path, type(exc).__name__)
        return 500, {"error": f"internal error ({type(exc).__name__}); the service log has the time of the call"}
    finally:
        if status is not None:
            log.info("%s %s %d in %.1f ms, cards %s", label, path, status, (time.perf_counter() - started) * 1000,
                     cards)
    return status, {"error": message}


def hook_work(cds: CdsService, service_id: str, body: Any):
    def work(_claims: dict, io: bool) -> dict:
        if body is NOT_JSON:
            raise BadRequest("the request body is not JSON")
        return cds.call(service_id, body, io)

    return work


def create_cds_router(settings: CdsSettings, cds: CdsService | None = None):
    """The CDS Hooks routes (GET /cds-services, POST /cds-services/{id}, POST /cds-services/{id}/feedback) on
    FastAPI, each call in a worker thread. ``cds``: share a service object (the lean layer's fallback routes)."""
    from fastapi import APIRouter, Header, Request
    from fastapi.responses import JSONResponse

    cds = cds or CdsService(settings)
    limiter = [None]  # created on first use, inside the event loop
    router = APIRouter()
    router.cds = cds  # tests and the workbench reach the service object through the router

    def _error(status: int, message: str) -> JSONResponse:
        headers = {"WWW-Authenticate": 'Bearer error="invalid_token"'} if status == 401 else None
        return JSONResponse({"error": message}, status_code=status, headers=headers)

    async def _run(path: str, authorization: str | None, work, label: str):
        started = time.perf_counter()
        # One hop to the thread pool, not two: each hop is a context switch and a wait for the GIL.
        # A few threads, queued in arrival order (anyio's limiter is FIFO): with 50 calls in flight and 40 threads
        # fighting for the GIL, every call finishes late; with few, calls finish in turn (p99 closer to p50).
        if limiter[0] is None:
            import anyio

            limiter[0] = anyio.CapacityLimiter(settings.worker_threads)
        import anyio.to_thread

        status, payload = await anyio.to_thread.run_sync(
            lambda: answer(cds, path, authorization, work, label, started), limiter=limiter[0])
        return payload if status == 200 else _error(status, payload["error"])

    @router.get("/cds-services", response_model=None)
    async def discovery(authorization: str | None = Header(default=None)):
        return await _run("/cds-services", authorization, lambda _claims, _io: cds.discovery(), "discovery")

    @router.post("/cds-services/{service_id}", response_model=None)
    async def call(service_id: str, request: Request, authorization: str | None = Header(default=None)):
        if service_id not in cds.services:
            return _error(404, f"no CDS service {service_id!r} here; see GET /cds-services")
        path = f"/cds-services/{service_id}"
        body = await _json(request)
        return await _run(path, authorization, hook_work(cds, service_id, body), "service")

    @router.post("/cds-services/{service_id}/feedback", response_model=None)
    async def feedback(service_id: str, request: Request, authorization: str | None = Header(default=None)):
        if service_id not in cds.services:
            return _error(404, f"no CDS service {service_id!r} here; see GET /cds-services")
        path = f"/cds-services/{service_id}/feedback"
        body = await _json(request)

        def work(claims, _io):
            if body is NOT_JSON:
                raise BadRequest("the request body is not JSON")
            stored = cds.store_feedback(service_id, body, claims)
            return {"stored": stored}

        return await _run(path, authorization, work, "feedback")

    return router


async def _json(request):
    return parse_json(await request.body())


def parse_json(raw: bytes):
    import json

    try:
        return json.loads(raw)
    except ValueError:
        return NOT_JSON


def create_cds_app(settings: CdsSettings):
    """The CDS Hooks service as its own application, with CORS for browser-based CDS clients. Setting
    ``http_layer``: "lean" (default; asgi.py: the hook calls on a bare ASGI route, run on the event loop) or
    "fastapi" (the FastAPI router, each call in a worker thread; kept for comparison, docs "Speed")."""
    if settings.http_layer == "lean":
        from rarebone.cdshooks.asgi import LeanCdsApp

        return LeanCdsApp(settings)
    return fastapi_app(settings)


def serve_app(settings: CdsSettings):
    """The application of a process that serves the CDS Hooks service alone (``python -m rarebone.cdshooks``,
    ``rarebone serve --cds-only``, each worker): ``create_cds_app`` plus the collector tuning of asgi.tune_gc
    (lean layer only: the fastapi layer stays as it was, for comparison)."""
    app = create_cds_app(settings)
    if settings.http_layer == "lean":
        from rarebone.cdshooks.asgi import tune_gc

        tune_gc()
    return app


def fastapi_app(settings: CdsSettings, cds: CdsService | None = None, cors: bool = True):
    """The router in a FastAPI application (plus CORS unless ``cors`` is False: the lean layer adds its own)."""
    from fastapi import FastAPI

    from rarebone import __version__

    app = FastAPI(title="rarebone CDS Hooks service", version=__version__, docs_url=None, redoc_url=None,
                  openapi_url=None)
    router = create_cds_router(settings, cds)
    app.include_router(router)
    app.state.cds = router.cds
    return with_cors(app, settings) if cors else app


def with_cors(app, settings: CdsSettings):
    if settings.cors_origins:
        from starlette.middleware.cors import CORSMiddleware

        # OWASP (the specification defers to it): name the EHR origins, never '*' with credentials.
        if hasattr(app, "add_middleware"):
            app.add_middleware(CORSMiddleware, **_cors(settings))
        else:
            return CORSMiddleware(app, **_cors(settings))
    return app


def _cors(settings: CdsSettings) -> dict:
    return dict(allow_origins=settings.cors_origins, allow_credentials=False, allow_methods=["GET", "POST", "OPTIONS"],
                allow_headers=["Authorization", "Content-Type"])


def app_from_environment():
    """uvicorn factory for worker processes (``python -m rarebone.cdshooks --workers N``)."""
    import os

    from rarebone.cdshooks.settings import CdsSettings

    return serve_app(CdsSettings.model_validate_json(os.environ["RAREBONE_CDS_SETTINGS_JSON"]))
