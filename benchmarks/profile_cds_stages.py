"""Where the CPU of one distinct-chart patient-view call goes, stage by stage, in process.

The service object is built as the lean layer builds it (``LeanCdsApp``, collector tuned as ``serve_app`` does), the
JWKS pre-loaded; ``--calls`` charts are made exactly as bench_cds_hooks.py makes its ``distinct`` charts (the TCIRG1
infant under a new patient id, five prefetch keys, one ES384 JWT each, all signed before timing) and each call is
run through ``service.answer`` and rendered as the lean layer renders it (everything but uvicorn and the socket).
Stage functions are wrapped with accumulators of this thread's CPU time (``time.thread_time``: other processes on a
shared machine do not inflate it; nested stages are included in their parent). Stages a version of the code does not
have are left out, so the same script profiles older checkouts (``PYTHONPATH=old/src``).

``PYTHONPATH=src python benchmarks/profile_cds_stages.py [--calls 300]``
"""

from __future__ import annotations

import argparse
import collections
import importlib
import json
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

STAGES = [  # (module, attribute, label); nested labels are indented
    ("rarebone.cdshooks.service", "parse_json", "JSON decode of the request"),
    ("rarebone.cdshooks.auth", "Verifier.verify", "JWT verification (ES384, fresh jti)"),
    ("rarebone.cdshooks.service", "CdsService.call", "hook call (below)"),
    ("rarebone.cdshooks.service", "CdsService._cache_key", "  assessment cache key"),
    ("rarebone.intake.fhir", "read_bundle_dict", "  FHIR intake (below)"),
    ("rarebone.intake.fhir.light", "check_bundle", "    light FHIR check"),
    ("rarebone.intake.fhir", "read_resources", "    FHIR -> Phenopacket dict"),
    ("rarebone.intake.phenopacket", "pruned_if_plain", "    one walk: type checks, spellings, pruning"),
    ("rarebone.intake.phenopacket", "check_types", "    Phenopacket type checks"),
    ("rarebone.intake.phenopacket", "prune_empty", "    prune empty values"),
    ("rarebone.intake.phenopacket", "_check_duplicate_spellings", "    duplicate spellings"),
    ("rarebone.intake.phenopacket", "_parse_message", "    protobuf canonical JSON"),
    ("rarebone.intake.phenopacket", "_from_message", "    Patient from the message"),
    ("rarebone.workflows.assess", "assess_patient", "  assessment (assess_patient)"),
    ("rarebone.workflows.assess", "card_findings", "  rules for the cards (card_findings)"),
    ("rarebone.osteopetrosis.assessment", "rank_donors", "    donor ranking"),
    ("rarebone.cdshooks.cards", "patient_view_cards", "  card building"),
    ("rarebone.cdshooks.asgi", "_render", "JSON encode of the response"),
]


def _wrap(totals, module: str, attr: str, label: str) -> None:
    try:
        owner = importlib.import_module(module)
    except ImportError:
        return
    if "." in attr:
        cls, attr = attr.split(".")
        owner = getattr(owner, cls, None)
    original = getattr(owner, attr, None) if owner is not None else None
    if original is None:
        return

    def timed(*args, **kwargs):
        start = time.thread_time()
        try:
            return original(*args, **kwargs)
        finally:
            totals[label] += time.thread_time() - start

    setattr(owner, attr, timed)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--calls", type=int, default=300)
    args = parser.parse_args()

    import jwt
    from cryptography.hazmat.primitives.asymmetric import ec

    import bench_cds_hooks as bench
    from rarebone.cdshooks import asgi, auth
    from rarebone.cdshooks.settings import CdsSettings

    totals: dict[str, float] = collections.defaultdict(float)
    for module, attr, label in STAGES:
        _wrap(totals, module, attr, label)
    from rarebone.cdshooks import service as svc

    asgi.parse_json = svc.parse_json  # asgi imported the name before it was wrapped
    ehr, base, path = "http://ehr.test", "http://127.0.0.1:1", "/cds-services/rarebone-patient-view"
    key = ec.generate_private_key(ec.SECP384R1())
    jwk = {**json.loads(jwt.algorithms.ECAlgorithm.to_jwk(key.public_key())), "kid": "bench", "alg": "ES384"}
    import tempfile

    tmp = tempfile.mkdtemp()
    settings = CdsSettings(base_url=base, issuers=[{"iss": ehr, "jwks_url": ehr + "/jwks.json"}],
                           registry_db=f"sqlite:///{tmp}/r.sqlite")
    app = asgi.LeanCdsApp(settings)
    cds = app.cds
    keys = {k.key_id: k for k in jwt.PyJWKSet.from_dict({"keys": [jwk]}).keys}
    cds.verifier._keys[ehr] = auth._KeySet(time.monotonic() + 1e6, keys)  # as if fetched: no HTTP in the timing
    asgi.tune_gc()
    now = int(time.time())

    def calls(n: int) -> list[tuple[str, bytes]]:
        out = []
        for _ in range(n):
            token = jwt.encode({"iss": ehr, "aud": base + path, "iat": now, "exp": now + 3600,
                                "jti": str(uuid.uuid4())}, key, algorithm="ES384", headers={"kid": "bench", "typ": "JWT"})
            body = dict(bench._request(f"bench-{uuid.uuid4().hex[:16]}"), hookInstance=str(uuid.uuid4()))
            out.append(("Bearer " + token, json.dumps(body, separators=(",", ":")).encode()))
        return out

    def one(authorization: str, raw: bytes) -> None:
        status, payload = svc.answer(cds, path, authorization,
                                     svc.hook_work(cds, "rarebone-patient-view", svc.parse_json(raw)), "service",
                                     time.perf_counter(), io=False)
        assert status == 200 and payload["cards"], payload
        asgi._render(status, payload)

    for a, r in calls(50):  # warm-up: ontology, tables, caches of the first calls
        one(a, r)
    todo = calls(args.calls)
    totals.clear()
    start = time.thread_time()
    for a, r in todo:
        one(a, r)
    total = (time.thread_time() - start) * 1000 / args.calls
    print(f"{args.calls} distinct charts, CPU of this thread per call: {total:.2f} ms")
    print("| stage | CPU ms/call |\n| --- | --- |")
    for _, _, label in STAGES:
        if label in totals:
            print(f"| {label.replace('  ', '&nbsp;&nbsp;')} | {totals[label] * 1000 / args.calls:.3f} |")


if __name__ == "__main__":
    main()
