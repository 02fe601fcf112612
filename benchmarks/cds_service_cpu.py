"""CPU of the CDS Hooks service process per distinct-chart call, over HTTP, for comparing two checkouts.

The service runs as ``python -m rarebone.cdshooks`` (one uvicorn worker, lean layer) from ``SRC`` (a checkout's
``src``: the code before comes from ``git archive``); ``--calls`` distinct charts made as bench_cds_hooks.py makes
them (the TCIRG1 infant under a new patient id, five prefetch keys, a fresh ES384 JWT each, signed and serialised
before the clock) are sent by 10 closed-loop callers, and the utime+stime of the service process over those calls
is divided by their number. Fewer callers than the benchmark's 50 (latency is not measured here, only CPU), so a
few hundred calls answer within seconds even on a busy machine; run the two checkouts alternately and compare.

``python benchmarks/cds_service_cpu.py SRC [--calls 800]``
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("src", help="the src folder of the checkout to run")
    parser.add_argument("--calls", type=int, default=800)
    args = parser.parse_args()

    import jwt
    from cryptography.hazmat.primitives.asymmetric import ec

    import bench_cds_hooks as bench

    key = ec.generate_private_key(ec.SECP384R1())
    jwk = {**json.loads(jwt.algorithms.ECAlgorithm.to_jwk(key.public_key())), "kid": "bench", "alg": "ES384"}
    ehr = bench._jwks_server({"keys": [jwk]})
    tmp, port = tempfile.mkdtemp(), bench._free_port()
    base = f"http://127.0.0.1:{port}"
    env = dict(os.environ, RAREBONE_CDS_BASE_URL=base, RAREBONE_CDS_ISSUERS=f"{ehr}={ehr}/jwks.json",
               RAREBONE_CDS_REGISTRY_DB=f"sqlite:///{tmp}/r.sqlite", RAREBONE_CDS_HTTP_LAYER="lean",
               PYTHONPATH=str(Path(args.src).resolve()))
    service = subprocess.Popen([sys.executable, "-m", "rarebone.cdshooks", "--port", str(port)], env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 90
        while True:  # up when discovery answers 401 (asks for a JWT)
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1) as s:
                    s.sendall(b"GET /cds-services HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                    if s.recv(64).startswith(b"HTTP/1.1 401"):
                        break
            except OSError:
                pass
            if time.monotonic() > deadline or service.poll() is not None:
                raise SystemExit("the service did not start")
            time.sleep(0.2)
        path, now = "/cds-services/rarebone-patient-view", int(time.time())

        def calls(n: int) -> list[bytes]:
            return [bench._raw(path, port, jwt.encode({"iss": ehr, "aud": base + path, "iat": now, "exp": now + 3600,
                                                       "jti": str(uuid.uuid4())}, key, algorithm="ES384",
                                                      headers={"kid": "bench", "typ": "JWT"}),
                               dict(bench._request(f"bench-{uuid.uuid4().hex[:16]}"), hookInstance=str(uuid.uuid4())))
                    for _ in range(n)]

        asyncio.run(bench._closed_loop(port, calls(100), 10))  # warm-up
        todo = calls(args.calls)
        load, cpu0 = os.getloadavg()[0], bench._cpu_seconds([service.pid])
        asyncio.run(bench._closed_loop(port, todo, 10))
        cpu = bench._cpu_seconds([service.pid]) - cpu0
        print(f"{args.src}: service process CPU per distinct call {cpu * 1000 / args.calls:.2f} ms "
              f"({args.calls} calls, 10 callers, load {load:.1f}-{os.getloadavg()[0]:.1f})")
    finally:
        service.send_signal(signal.SIGINT)
        try:
            service.wait(timeout=30)
        except subprocess.TimeoutExpired:
            service.kill()


if __name__ == "__main__":
    main()
