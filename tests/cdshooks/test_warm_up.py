"""The service warms up at start-up (CdsService.warm_up, called by asgi.LeanCdsApp): the first EHR call after a
start loads nothing more, and the made-up warm-up chart leaves no trace (no cached assessment, no card kept for
feedback, no log line)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from rarebone.cdshooks import service as svc

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "cds-hooks" / "patient-view-tcirg1.json"


_FRESH_PROCESS = """
import json, logging, sys, time
from rarebone.cdshooks import asgi, service as svc
from rarebone.cdshooks.settings import CdsSettings

records = []
logging.getLogger("rarebone.cdshooks").addHandler(type("H", (logging.Handler,), {"emit": lambda self, r: records.append(r)})())
logging.getLogger("rarebone.cdshooks").setLevel(logging.INFO)
app = asgi.LeanCdsApp(CdsSettings(base_url="http://127.0.0.1:1", require_auth=False, registry_db=sys.argv[2]))
kept = [len(records), len(app.cds.assessments.items), len(app.cds.cards._items)]
loaded = set(sys.modules)
status, payload = svc.answer(app.cds, "/cds-services/rarebone-patient-view", None,
                             svc.hook_work(app.cds, "rarebone-patient-view", json.load(open(sys.argv[1]))),
                             "service", time.perf_counter(), io=False)
print(json.dumps({"kept": kept, "status": status, "cards": len(payload.get("cards", [])),
                  "loaded_by_first_call": sorted(set(sys.modules) - loaded)}))
"""


def test_first_call_after_start_loads_no_module_and_warm_up_leaves_no_trace(tmp_path):
    # a fresh interpreter: in the test session other tests have loaded every module already
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "RAREBONE_TODAY": "2026-12-01"}
    out = subprocess.run([sys.executable, "-c", _FRESH_PROCESS, str(EXAMPLE), f"sqlite:///{tmp_path / 'r.sqlite'}"],
                         env=env, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result["kept"] == [0, 0, 0]  # no log line, no cached assessment, no card kept for feedback
    assert result["status"] == 200 and result["cards"] > 0
    assert result["loaded_by_first_call"] == []  # everything the first call needed was loaded at start-up


def test_warm_up_chart_is_read_without_a_warning_or_an_unread_code(tmp_path):
    """Each resource of the warm-up chart must reach its reader (an unread one would warm nothing)."""
    from rarebone.cdshooks.record import build_bundle
    from rarebone.intake.fhir import read_bundle_dict

    request = svc._warm_up_request()
    bundle, _ = build_bundle(request["prefetch"], "patient", None)
    result = read_bundle_dict(bundle, validation="light")
    assert [w for w in result.warnings if "not understood" in w or "not read" in w] == []
    p = result.patient
    assert p.features and p.measurements and p.treatments
