"""The patient-view answer, byte for byte, is what it was before the speed work of branch cds-fast.

``data/patient-view-cards.jsonl.gz`` holds the response bodies the service gave, BEFORE that work (commit b502d8e),
for ~800 distinct charts: the FHIR examples, the benchmark's chart, and every Phenopacket in the repository's
case collections (published cases, held-out cases, the phenopacket-store sample, the CNO review fixtures, the
examples) turned into the FHIR resources an EHR would hold (pp2fhir.py). "Today" is fixed, card and suggestion
uuids come from a counter, so the answers are reproducible. Each chart is sent through the service exactly as
the lean HTTP layer does (``answer`` + ``_render``) and must give the same bytes.

Regenerate only when a card is MEANT to change, and say so in the commit:
``PYTHONPATH=src python -m tests.cdshooks.test_cards_unchanged --write``.
"""

from __future__ import annotations

import datetime as dt
import gzip
import itertools
import json
import sys
import uuid
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = Path(__file__).parent / "data" / "patient-view-cards.jsonl.gz"
TODAY = dt.date(2026, 12, 1)
PV = "rarebone-patient-view"
_COLLECTIONS = ("tests/data/real-cases", "tests/data/real-cases-heldout", "tests/data/phenopacket-store-sample",
                "tests/cno/fixtures", "tests/validation/fixtures", "examples/phenopackets", "examples/cno")


def _searchset(resources: list[dict], kind: str) -> dict:
    return {"resourceType": "Bundle", "type": "searchset",
            "entry": [{"resource": r, "search": {"mode": "match"}} for r in resources if r["resourceType"] == kind]}


def _request(name: str, resources: list[dict]) -> dict:
    patient = next(r for r in resources if r["resourceType"] == "Patient")
    return {"hook": "patient-view", "hookInstance": str(uuid.uuid5(uuid.NAMESPACE_URL, name)),
            "context": {"userId": "Practitioner/example", "patientId": patient["id"]},
            "prefetch": {"patient": patient, "conditions": _searchset(resources, "Condition"),
                         "observations": _searchset(resources, "Observation"),
                         "medications": _searchset(resources, "MedicationRequest"),
                         # the DiagnosticReport key added later (an EHR with no report sends an empty searchset);
                         # the service before it ignored keys it had no template for
                         "reports": _searchset(resources, "DiagnosticReport")}}


def corpus() -> list[tuple[str, dict]]:
    """(name, patient-view request) for every chart, in a fixed order."""
    from tests.cdshooks.pp2fhir import convert

    out = []
    for path in sorted((ROOT / "examples/fhir").glob("*.json")):
        out.append((f"examples/fhir/{path.name}", _request(path.name, [e["resource"] for e in
                                                                       json.loads(path.read_text())["entry"]])))
    bench = json.loads((ROOT / "examples/fhir/tcirg1-infant-bundle.json").read_text())
    for k in range(3):  # the benchmark's distinct charts: the same record under another patient id
        pid = f"bench-{k}"
        text = json.dumps(bench).replace('"Patient/tcirg1-infant"', f'"Patient/{pid}"')
        resources = [e["resource"] for e in json.loads(text)["entry"]]
        next(r for r in resources if r["resourceType"] == "Patient")["id"] = pid
        out.append((f"benchmark/{pid}", _request(pid, resources)))
    for collection in _COLLECTIONS:
        for path in sorted((ROOT / collection).rglob("*.json")):
            packet = json.loads(path.read_text())
            if not isinstance(packet, dict) or "subject" not in packet or "id" not in packet:
                continue  # not a Phenopacket (plans, donors, expectations)
            name = str(path.relative_to(ROOT))
            out.append((name, _request(name, convert(packet, TODAY))))
    return out


def make_service(tmp: Path):
    from rarebone.cdshooks import CdsSettings
    from rarebone.cdshooks.service import CdsService

    return CdsService(CdsSettings(base_url="https://cds.hospital.example", require_auth=False,
                                  workbench_url="https://workbench.hospital.example",
                                  registry_db=f"sqlite:///{tmp / 'registry.sqlite'}"))


def answer_bytes(cds, body: dict) -> bytes:
    """One call as the lean layer makes it (asgi.LeanCdsApp._answer): status and body bytes."""
    import time

    from rarebone.cdshooks.asgi import _render
    from rarebone.cdshooks.service import answer, hook_work, parse_json

    raw = json.dumps(body, separators=(",", ":")).encode()
    status, payload = answer(cds, f"/cds-services/{PV}", None, hook_work(cds, PV, parse_json(raw)), "service",
                             time.perf_counter(), io=False)
    return str(status).encode() + b" " + _render(status, payload)[1]


def answers(cds, charts, patch) -> dict[str, str]:
    """name -> answer, card uuids from a counter restarted for each chart."""
    from rarebone.core.clock import set_today

    out = {}
    set_today(TODAY)
    try:
        for name, body in charts:
            counter = itertools.count()
            patch(SimpleNamespace(uuid4=lambda: uuid.UUID(int=next(counter))))
            out[name] = answer_bytes(cds, body).decode()
    finally:
        set_today(None)
    return out


def test_patient_view_answers_are_byte_for_byte_those_stored_before_the_speed_work(tmp_path, monkeypatch):
    import rarebone.cdshooks.cards as cards

    stored = {}
    with gzip.open(GOLDEN, "rt", encoding="utf-8") as f:
        for line in f:
            item = json.loads(line)
            stored[item["chart"]] = item["answer"]
    charts = corpus()
    assert len(charts) == len(stored) >= 700, "the corpus changed: regenerate the stored answers from the old code"
    got = answers(make_service(tmp_path), charts, lambda fake: monkeypatch.setattr(cards, "uuid", fake))
    assert set(got) == set(stored)
    differ = [name for name in got if got[name] != stored[name]]
    assert not differ, f"{len(differ)} chart(s) answer differently, e.g. {differ[:5]}"
    # the corpus is not one-sided: it raises each kind of card and also leaves charts without one
    everything = "".join(stored.values())
    for topic in ("osteopetrosis-suspicion", "hsct-urgent", "cno-suspicion", "cno-exclusions-open", "op-mimic",
                  "op-lookalike"):
        assert f'"code":"{topic}' in everything, topic
    assert sum('"cards":[]' in a for a in stored.values()) > 100


if __name__ == "__main__" and "--write" in sys.argv:
    import tempfile

    import rarebone.cdshooks.cards as cards

    with tempfile.TemporaryDirectory() as tmp:
        result = answers(make_service(Path(tmp)), corpus(), lambda fake: setattr(cards, "uuid", fake))
    GOLDEN.parent.mkdir(exist_ok=True)
    with gzip.open(GOLDEN, "wt", encoding="utf-8") as f:
        for name, text in result.items():
            f.write(json.dumps({"chart": name, "answer": text}, ensure_ascii=False) + "\n")
    print(f"{len(result)} answers written to {GOLDEN}")
