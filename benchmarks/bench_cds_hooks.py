"""CDS Hooks patient-view latency under load: full prefetch, 50 concurrent calls on loopback.

The service runs in its own process (``python -m rarebone.cdshooks``, one uvicorn worker), so the client's work
does not share its interpreter; the benchmark process plays the EHR: it serves the JWKS, signs one ES384 JWT per
call (before the clock starts) and sends the calls with httpx/asyncio, ``--concurrency`` at a time.
Target (issue 14): p99 <= 100 ms at 50 concurrent calls. Run on demand:
``PYTHONPATH=src python benchmarks/bench_cds_hooks.py [--calls 500] [--concurrency 50]``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BUNDLE = ROOT / "examples" / "fhir" / "tcirg1-infant-bundle.json"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _jwks_server(jwks: dict) -> str:
    import uvicorn
    from fastapi import FastAPI

    app = FastAPI()
    app.get("/jwks.json")(lambda: jwks)
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.01)
    return f"http://127.0.0.1:{port}"


def _request() -> dict:
    resources = [e["resource"] for e in json.loads(BUNDLE.read_text())["entry"]]

    def searchset(kind):
        return {"resourceType": "Bundle", "type": "searchset",
                "entry": [{"resource": r} for r in resources if r["resourceType"] == kind]}

    patient = next(r for r in resources if r["resourceType"] == "Patient")
    return {"hook": "patient-view", "hookInstance": str(uuid.uuid4()),
            "context": {"userId": "Practitioner/bench", "patientId": patient["id"]},
            "prefetch": {"patient": patient, "conditions": searchset("Condition"),
                         "observations": searchset("Observation"), "medications": searchset("MedicationRequest")}}


async def _run(url: str, tokens: list[str], body: dict, concurrency: int, distinct: bool) -> tuple[list[float], float]:
    import httpx

    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    gate = asyncio.Semaphore(concurrency)
    latencies: list[float] = []
    async with httpx.AsyncClient(limits=limits, timeout=60) as client:
        async def one(token: str) -> None:
            call = body
            if distinct:  # another chart each time: the service's assessment cache cannot answer
                call = dict(body, hookInstance=str(uuid.uuid4()), context=dict(body["context"], patientId=token[-16:]))
            async with gate:
                start = time.perf_counter()
                r = await client.post(url, json=call, headers={"Authorization": f"Bearer {token}"})
                latencies.append((time.perf_counter() - start) * 1000)
                if r.status_code != 200 or not r.json()["cards"]:
                    raise SystemExit(f"unexpected answer {r.status_code}: {r.text[:200]}")

        wall = time.perf_counter()
        await asyncio.gather(*(one(t) for t in tokens))
        return latencies, time.perf_counter() - wall


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--calls", type=int, default=500)
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()

    import jwt
    from cryptography.hazmat.primitives.asymmetric import ec

    key = ec.generate_private_key(ec.SECP384R1())
    jwks = {"keys": [{**json.loads(jwt.algorithms.ECAlgorithm.to_jwk(key.public_key())), "kid": "bench", "alg": "ES384"}]}
    ehr = _jwks_server(jwks)
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, RAREBONE_CDS_BASE_URL=base, RAREBONE_CDS_ISSUERS=f"{ehr}={ehr}/jwks.json",
                   RAREBONE_CDS_REGISTRY_DB=f"sqlite:///{tmp}/r.sqlite", PYTHONPATH=str(ROOT / "src"))
        service = subprocess.Popen([sys.executable, "-m", "rarebone.cdshooks", "--port", str(port),
                                    "--workers", str(args.workers)], env=env,
                                   stdout=subprocess.DEVNULL, stderr=None if os.environ.get("BENCH_VERBOSE") else subprocess.DEVNULL)
        try:
            import httpx

            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                try:
                    if httpx.get(base + "/cds-services", timeout=1).status_code == 401:  # up, and asking for a JWT
                        break
                except httpx.HTTPError:
                    time.sleep(0.1)
            url = f"{base}/cds-services/rarebone-patient-view"
            now = int(time.time())

            def token() -> str:
                return jwt.encode({"iss": ehr, "aud": url, "iat": now, "exp": now + 600, "jti": str(uuid.uuid4())},
                                  key, algorithm="ES384", headers={"kid": "bench", "typ": "JWT"})

            body = _request()
            tokens = [token() for _ in range(args.warmup + 2 * args.calls)]  # signed before any clock starts
            asyncio.run(_run(url, tokens[:args.warmup], body, args.concurrency, True))
            tokens = tokens[args.warmup:]
            client_cpu = resource.getrusage(resource.RUSAGE_SELF)
            results = {}
            for name, distinct in (("distinct charts (no cache)", True), ("same chart again (cache)", False)):
                batch, tokens = tokens[:args.calls], tokens[args.calls:]
                results[name] = asyncio.run(_run(url, batch, body, args.concurrency, distinct))
            used = resource.getrusage(resource.RUSAGE_SELF)
            client_ms = (used.ru_utime + used.ru_stime - client_cpu.ru_utime - client_cpu.ru_stime) * 1000
        finally:
            service.terminate()
            service.wait(timeout=10)
    # The service's CPU (all its workers, warm-up and start-up included) and the client's: both share the cores.
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    print(f"patient-view, full prefetch (TCIRG1 infant, {len(body['prefetch'])} keys), {args.calls} calls, "
          f"{args.concurrency} concurrent, {args.workers} uvicorn worker(s), {os.cpu_count()} CPUs; target p99 <= 100 ms")
    print(f"CPU per call: benchmark client {client_ms / (2 * args.calls):.1f} ms (measured part); service "
          f"{(children.ru_utime + children.ru_stime) * 1000 / (args.warmup + 2 * args.calls):.1f} ms "
          "(whole process life, start-up included)")
    for name, (lat, wall) in results.items():
        q = statistics.quantiles(lat, n=100, method="inclusive")
        print(f"{name:28s} p50 {q[49]:7.1f} ms  p95 {q[94]:7.1f} ms  p99 {q[98]:7.1f} ms  max {max(lat):7.1f} ms  "
              f"{args.calls / wall:5.0f} calls/s")


if __name__ == "__main__":
    main()
