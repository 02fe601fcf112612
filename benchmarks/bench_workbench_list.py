"""The workbench's patient list on a large registry: time per page (median and p95 of repeated requests),
first page, a deep page, filters, key prefix. In-process (FastAPI TestClient), one user, SQLite or PostgreSQL.

    python benchmarks/bench_workbench_list.py --db /tmp/big.sqlite          # an existing registry
    python benchmarks/bench_workbench_list.py --patients 100000             # builds a SYNTHETIC one first
"""

from __future__ import annotations

import argparse
import re
import secrets
import statistics
import tempfile
import time

REPEAT = 20


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db")
    parser.add_argument("--patients", type=int, default=100_000)
    args = parser.parse_args()
    from fastapi.testclient import TestClient

    from rarebone.registry import db as dbm
    from rarebone.web import accounts
    from rarebone.web.app import create_app
    from rarebone.web.settings import WebSettings

    url = args.db
    if url is None:
        from rarebone.registry import demo
        from rarebone.registry.store import import_records

        url = f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite"
        import_records(dbm.open_registry(url, create=True), (("demo", r) for r in demo.generate(args.patients, 2)),
                       batch_size=1000)
    app = create_app(WebSettings(db_url=url))
    password = secrets.token_urlsafe(18)
    name = f"bench-{secrets.token_hex(3)}"
    accounts.add(app.state.workbench.engine, name, "clinician", password)
    client = TestClient(app)
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/signin").text).group(1)
    client.post("/signin", data={"username": name, "password": password, "csrf_token": token})
    total = re.search(r"([\d]+) patients", client.get("/patients").text).group(1)
    with app.state.workbench.read_engine.connect() as connection:  # the reading engine: no write lock held
        last_keys = connection.exec_driver_sql(
            "SELECT patient_key FROM patients ORDER BY patient_key DESC LIMIT 1 OFFSET 100").scalar()
    cases = {
        "first page": "/patients",
        "deep page (100 from the end)": f"/patients?after={last_keys}",
        "diagnosis=CNO": "/patients?diagnosis=CNO",
        "gene=TCIRG1, deep": f"/patients?gene=TCIRG1&after={last_keys}",
        "key prefix": "/patients?key=SYNTHETIC-2-09",
        "one patient": "/patients/" + last_keys,
    }
    print(f"registry: {dbm.mask_url(url)}, {total} patients; {REPEAT} requests each")
    for label, path in cases.items():
        times = []
        for _ in range(REPEAT):
            start = time.perf_counter()
            r = client.get(path)
            times.append((time.perf_counter() - start) * 1000)
            assert r.status_code == 200, (path, r.status_code)
        times.sort()
        print(f"  {label:<30} median {statistics.median(times):6.1f} ms   p95 {times[int(len(times) * 0.95) - 1]:6.1f} ms")


if __name__ == "__main__":
    main()
