"""The CDS Hooks request examples an integrator tries first (examples/cds-hooks, docs/ehr-integration.md "Try it"):
the files are what their build script writes from the FHIR example Bundles, and the service started exactly as the
docs say (``python -m rarebone.cdshooks --insecure``, a real process on loopback) answers them with the cards the
docs promise. The expected dose is computed from the knowledge base, never typed here."""

from __future__ import annotations

import importlib.util
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from rarebone.cdshooks import models as M
from rarebone.knowledge import load

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples" / "cds-hooks"


def _builder():
    spec = importlib.util.spec_from_file_location("build_examples", EXAMPLES / "build_examples.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("name", ["patient-view-tcirg1.json", "order-sign-pamidronate.json"])
def test_example_files_are_what_the_build_script_writes(name):
    builder = _builder()
    assert (EXAMPLES / name).read_text() == builder.text(builder.EXAMPLES[name]), \
        f"examples/cds-hooks/{name} is stale: run python examples/cds-hooks/build_examples.py"
    M.HookRequest.model_validate(json.loads((EXAMPLES / name).read_text()))  # a valid CDS Hooks 2.0 request


@pytest.fixture(scope="module")
def insecure_service():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    # the day the examples were written: their laboratory values stay inside the 12-month window
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "RAREBONE_TODAY": "2026-12-01"}
    env.pop("RAREBONE_CDS_ISSUERS", None)
    proc = subprocess.Popen([sys.executable, "-m", "rarebone.cdshooks", "--insecure", "--port", str(port)], cwd=ROOT,
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    try:
        while True:
            if proc.poll() is not None:
                pytest.fail(f"the service exited: {proc.stderr.read()[-500:]}")
            try:
                httpx.get(f"{base}/cds-services", timeout=5)
                break
            except httpx.TransportError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.3)
        yield base, proc
    finally:
        proc.terminate()
        proc.wait(timeout=15)


def _post(base: str, service: str, name: str) -> list[dict]:
    r = httpx.post(f"{base}/cds-services/{service}", content=(EXAMPLES / name).read_bytes(),
                   headers={"Content-Type": "application/json"}, timeout=30)
    assert r.status_code == 200, r.text
    M.CdsResponse.model_validate(r.json())
    return r.json()["cards"]


def test_insecure_service_lists_its_services_without_a_jwt(insecure_service):
    base, _ = insecure_service
    r = httpx.get(f"{base}/cds-services", timeout=10)
    assert r.status_code == 200
    assert {s["id"] for s in r.json()["services"]} == {"rarebone-patient-view", "rarebone-order-sign",
                                                       "rarebone-order-select"}


def test_patient_view_example_gives_the_urgent_hsct_card(insecure_service):
    base, _ = insecure_service
    cards = _post(base, "rarebone-patient-view", "patient-view-tcirg1.json")
    summaries = [c["summary"] for c in cards]
    assert any(c["indicator"] == "critical" and "HSCT" in c["summary"] for c in cards), summaries
    assert any("osteopetrosis" in s and "suspicion" in s.lower() for s in summaries), summaries
    assert all("responsible clinician" in c["detail"] for c in cards)


def test_order_sign_example_suggests_the_largest_published_dose(insecure_service):
    from rarebone.knowledge.kinds.cno import CnoRegimen

    base, _ = insecure_service
    request = json.loads((EXAMPLES / "order-sign-pamidronate.json").read_text())
    weight = request["prefetch"]["weight"]["entry"][0]["resource"]["valueQuantity"]["value"]
    top = max(min(r.dose_mg_per_kg * weight, r.max_mg_per_dose or float("inf"))
              for r in load().of_kind(CnoRegimen) if r.agent == "pamidronate")
    ordered = request["context"]["draftOrders"]["entry"][0]["resource"]["dosageInstruction"][0]["doseAndRate"][0]
    assert ordered["doseQuantity"]["value"] > top  # the example is an overdose by construction
    cards = _post(base, "rarebone-order-sign", "order-sign-pamidronate.json")
    assert len(cards) == 1 and cards[0]["indicator"] == "warning"
    fixed = cards[0]["suggestions"][0]["actions"][0]["resource"]
    assert fixed["dosageInstruction"][0]["doseAndRate"][0]["doseQuantity"]["value"] == pytest.approx(top)


def test_insecure_mode_says_so_first_on_stderr(insecure_service):
    _, proc = insecure_service
    assert "--insecure: calls are NOT authenticated" in proc.stderr.readline()  # before uvicorn's own lines
