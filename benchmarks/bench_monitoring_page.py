"""In-process timing of the transplant monitoring page (FastAPI's TestClient, one user, SQLite): a child with 30
days of labs; ten rounds of save a lab -> the page (a new data version: the monitoring room runs) -> the page
again (same version) -> the chart it links. A benchmark, not a test: run it on demand.

    PYTHONPATH=src python benchmarks/bench_monitoring_page.py
"""

from __future__ import annotations

import datetime as dt
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/ helpers


def main() -> None:
    from fastapi.testclient import TestClient

    from tests.web.clinical_seed import TX_DATE, seed, transplant_child
    from tests.web.conftest import csrf, make_app, sign_in

    app = make_app(f"sqlite:///{tempfile.mkdtemp(prefix='rarebone-bench-')}/registry.sqlite")
    seed(app, transplant_child("BENCH-MON"))
    c = TestClient(app, base_url="http://testserver")
    sign_in(c, "clinician")
    token = csrf(c)

    def save(day: int) -> None:
        r = c.post("/transplant/BENCH-MON/labs", data={"csrf_token": token, "anc": "1.2", "platelets": "60",
                                                       "date": str(TX_DATE + dt.timedelta(days=day))},
                   follow_redirects=False)
        assert r.status_code == 303, r.text

    for day in range(1, 31):
        save(day)
    c.get("/transplant/BENCH-MON/monitor")  # warm-up: knowledge base, templates
    times: dict[str, list[float]] = {"save": [], "page after a save": [], "page again": [], "chart": []}
    size = 0
    for i in range(10):
        start = time.perf_counter()
        save(i % 30 + 1)
        times["save"].append(time.perf_counter() - start)
        start = time.perf_counter()
        c.get("/transplant/BENCH-MON/monitor")
        times["page after a save"].append(time.perf_counter() - start)
        start = time.perf_counter()
        page = c.get("/transplant/BENCH-MON/monitor")
        times["page again"].append(time.perf_counter() - start)
        size = len(page.content)
        chart = re.search(r'<img class="chart"[^>]* src="([^"]+)"', page.text)
        if chart:
            start = time.perf_counter()
            c.get(chart.group(1).replace("&amp;", "&"))
            times["chart"].append(time.perf_counter() - start)
    for name, values in times.items():
        if values:
            print(f"{name:<18} median {statistics.median(values) * 1000:6.0f} ms   max {max(values) * 1000:6.0f} ms")
    print(f"page size {size:,} bytes")
    app.state.workbench.close()


if __name__ == "__main__":
    main()
