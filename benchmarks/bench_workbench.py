"""Load on the workbench: N concurrent users (default 50) browsing and saving for a while (default 60 s) against
``rarebone serve`` started in its own process on a free loopback port, on SQLite and on a throwaway PostgreSQL
(tests/registry/pgserver.py). Reports requests, errors and the page time p50/p95 overall and per page. A
benchmark, not a test: run it on demand.

    PYTHONPATH=src python benchmarks/bench_workbench.py                      # both databases, 50 users, 60 s
    PYTHONPATH=src python benchmarks/bench_workbench.py --db sqlite --users 50 --seconds 20

Each user signs in with its own clinician account and repeats a mix: the patient list (a search), one patient,
its transplant page, its monitoring page (with the engraftment chart it links, timed together), a CNO course, the cohort form, and a save (labs of
its own post-transplant child, through the registry store with the audit row). An error is any status >= 400 or
a failed connection.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import re
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # tests/ helpers (pgserver, the seed records)

MIX = (("list", 3), ("patient", 2), ("transplant", 2), ("monitor", 1), ("cno", 1), ("cohort", 1), ("save", 2))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prepare(url: str, users: int, patients: int) -> list[tuple[str, str]]:
    """The registry: SYNTHETIC demo patients, one post-transplant child per user, one CNO child; the accounts."""
    from rarebone.registry import db as dbm
    from rarebone.registry import demo
    from rarebone.registry.store import import_records
    from rarebone.web import accounts
    from tests.web.clinical_seed import cno_child, transplant_child

    engine = dbm.open_registry(url, create=True)
    children = [transplant_child(key=f"BENCH-TX-{i:03d}") for i in range(users)] + [cno_child("BENCH-CNO")]
    import_records(engine, [("demo", r) for r in demo.generate(patients, 3)] + [("bench", r) for r in children],
                   batch_size=500)
    logins = []
    for i in range(users):
        password = secrets.token_urlsafe(18)
        accounts.add(engine, f"bench{i:03d}", "clinician", password)
        logins.append((f"bench{i:03d}", password))
    engine.dispose()
    return logins


def user(base: str, index: int, login: tuple[str, str], window: dict, times: dict, errors: list, lock,
         barrier=None) -> None:
    """Sign in (argon2 on the server: not timed), wait for every user, then browse and save until the window ends."""
    import httpx

    from tests.web.clinical_seed import TX_DATE

    rng = random.Random(index)
    own = f"BENCH-TX-{index:03d}"
    kinds = [k for k, w in MIX for _ in range(w)]
    with httpx.Client(base_url=base, timeout=120, follow_redirects=False) as c:
        try:
            token = re.search(r'name="csrf_token" value="([^"]+)"', c.get("/signin").text).group(1)
            r = c.post("/signin", data={"username": login[0], "password": login[1], "csrf_token": token})
            if r.status_code != 303:
                raise RuntimeError(f"sign-in {r.status_code}")
            token = re.search(r'name="csrf_token" value="([^"]+)"', c.get("/").text).group(1)
        except Exception as exc:  # noqa: BLE001 (counted, reported)
            with lock:
                errors.append(f"user {index} sign-in: {exc}")
            if barrier is not None:
                barrier.abort()
            return
        if barrier is not None:
            barrier.wait()
        day = 1
        while time.monotonic() < window["stop_at"]:
            kind = rng.choice(kinds)
            if kind == "list":
                request = ("GET", f"/patients?diagnosis={rng.choice(['MIOP', 'CNO', 'IOP'])}", None)
            elif kind == "patient":
                request = ("GET", f"/patients/{own}", None)
            elif kind == "transplant":
                request = ("GET", f"/transplant/{own}", None)
            elif kind == "monitor":
                request = ("GET", f"/transplant/{own}/monitor", None)
            elif kind == "cno":
                request = ("GET", "/cno/BENCH-CNO", None)
            elif kind == "cohort":
                request = ("GET", "/cohort", None)
            else:
                day = day % 30 + 1
                request = ("POST", f"/transplant/{own}/labs",
                           {"csrf_token": token, "date": str(TX_DATE + dt.timedelta(days=day)),
                            "anc": f"{rng.uniform(0.1, 3):.2f}", "platelets": str(rng.randint(10, 200))})
            start = time.perf_counter()
            try:
                r = c.request(request[0], request[1], data=request[2])
                chart = re.search(r'<img class="chart"[^>]* src="([^"]+)"', r.text) if kind == "monitor" else None
                if chart and r.status_code < 400:  # as a browser would: the page, then the chart it links
                    r = c.get(chart.group(1).replace("&amp;", "&"))
                elapsed = time.perf_counter() - start
                ok = r.status_code < 400
                detail = f"{kind} {r.status_code}"
            except Exception as exc:  # noqa: BLE001
                elapsed, ok, detail = time.perf_counter() - start, False, f"{kind} {type(exc).__name__}"
            with lock:
                times[kind].append(elapsed * 1000)
                if not ok:
                    errors.append(detail)


def run(url: str, label: str, users: int, seconds: float, patients: int) -> dict:
    logins = prepare(url, users, patients)
    port = _free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    server = subprocess.Popen([sys.executable, "-m", "rarebone", "serve", "--db", url, "--port", str(port)],
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        import httpx

        deadline = time.monotonic() + 60
        while True:
            try:
                httpx.get(base + "/signin", timeout=2)
                break
            except httpx.HTTPError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise RuntimeError("the workbench did not start: " + (server.stderr.read() if server.poll() is not None else ""))
                time.sleep(0.2)
        # warm-up (not timed): the first request of each kind loads the knowledge base, matplotlib, the HPO index
        user(base, 0, logins[0], {"stop_at": time.monotonic() + 15}, defaultdict(list), [], threading.Lock())
        times, errors, lock = defaultdict(list), [], threading.Lock()
        window: dict = {}

        def open_window():  # runs once, when the last user has signed in
            window["started"] = time.monotonic()
            window["stop_at"] = window["started"] + seconds

        barrier = threading.Barrier(users, action=open_window)
        threads = [threading.Thread(target=user, args=(base, i, logins[i], window, times, errors, lock, barrier))
                   for i in range(users)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        wall = time.monotonic() - window.get("started", time.monotonic())
    finally:
        server.terminate()
        server.wait(timeout=30)
    every = sorted(x for v in times.values() for x in v)

    def pct(values, q):
        values = sorted(values)
        return values[min(len(values) - 1, int(len(values) * q))] if values else float("nan")

    print(f"\n{label}: {users} users, {seconds:g} s, {len(every)} requests in {wall:.0f} s "
          f"({len(every) / wall:.1f}/s), errors {len(errors)}")
    print(f"  all pages   p50 {pct(every, 0.5):7.0f} ms   p95 {pct(every, 0.95):7.0f} ms")
    for kind, values in sorted(times.items()):
        print(f"  {kind:<11} p50 {statistics.median(values):7.0f} ms   p95 {pct(values, 0.95):7.0f} ms   n={len(values)}")
    if errors:
        print("  errors (first 10):", errors[:10])
    return {"requests": len(every), "errors": len(errors), "p50": pct(every, 0.5), "p95": pct(every, 0.95)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--patients", type=int, default=1000, help="SYNTHETIC demo patients besides the users' own")
    args = parser.parse_args()
    if args.db in ("sqlite", "both"):
        run(f"sqlite:///{tempfile.mkdtemp(prefix='rarebone-bench-')}/registry.sqlite", "SQLite", args.users,
            args.seconds, args.patients)
    if args.db in ("postgresql", "both"):
        sys.path.insert(0, str(ROOT / "tests" / "registry"))
        import pgserver

        server_url, stop = pgserver.start()
        try:
            run(pgserver.new_database(server_url), "PostgreSQL", args.users, args.seconds, args.patients)
        finally:
            stop()


if __name__ == "__main__":
    main()
