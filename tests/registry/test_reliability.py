"""Concurrent writers and a killed import, on SQLite and PostgreSQL (real processes, real databases)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from rarebone.registry import db, demo, export, models as m


def _records(n: int, seed: int, prefix: str = "") -> list[dict]:
    records = list(demo.generate(n, seed=seed))
    for r in records:
        r["patient"]["patient_key"] = prefix + r["patient"]["patient_key"]
    return records


def _write_csv(path: Path, n: int, seed: int, prefix: str = "", extra: list[dict] = ()) -> Path:
    path.write_text(export.to_csv(_records(n, seed, prefix) + list(extra)), encoding="utf-8")
    return path


def _import_cmd(csv: Path, url: str) -> list[str]:
    return [sys.executable, "-m", "rarebone", "registry", "import", str(csv), "--db", url, "--format", "json"]


def _counts(engine) -> dict:
    with Session(engine) as s:
        return {
            "patients": s.scalar(select(func.count()).select_from(m.PatientRow)),
            "transplants": s.scalar(select(func.count()).select_from(m.TransplantRow)),
            "inserts": s.scalar(select(func.count()).select_from(m.AuditRow).where(m.AuditRow.action == "insert")),
            "orphans": s.scalar(text("SELECT count(*) FROM transplants t LEFT JOIN patients p ON p.id = t.patient_id "
                                     "WHERE p.id IS NULL")),
            "unaudited": s.scalar(text("SELECT count(*) FROM patients p WHERE NOT EXISTS "
                                       "(SELECT 1 FROM audit_log a WHERE a.patient_key = p.patient_key)")),
        }


def _expected_transplants(csv: Path) -> int:
    import csv as csvmod

    with open(csv, newline="") as handle:
        return sum(1 for row in csvmod.DictReader(handle) if row["transplant.followup_days"] or row["transplant.donor_relation"])


def test_eight_concurrent_importers_lose_nothing(db_url, tmp_path):
    db.open_registry(db_url, create=True).dispose()
    shared = _records(15, seed=99, prefix="S-")  # in every process's file: the same patients raced 8 times
    own = [_write_csv(tmp_path / f"part{i}.csv", 400, seed=100 + i, prefix=f"W{i}-", extra=shared) for i in range(8)]
    # 25 records per commit: the 8 writers' transactions interleave for real
    procs = [subprocess.Popen(_import_cmd(own[i], db_url) + ["--batch-size", "25"], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE) for i in range(8)]
    summaries = []
    for p in procs:
        out, err = p.communicate(timeout=300)
        assert p.returncode == 0, err.decode()
        summaries.append(json.loads(out))
    assert all(s["rejected"] == [] for s in summaries)
    assert sum(s["inserted"] for s in summaries) == 8 * 400 + 15
    assert sum(s["unchanged"] for s in summaries) == 7 * 15
    engine = db.make_engine(db_url)
    counts = _counts(engine)
    # 8 x 400 own records + 15 shared ones imported by all 8 (inserted once, "unchanged" for the others)
    assert counts["patients"] == 8 * 400 + 15
    assert counts["inserts"] == 8 * 400 + 15
    shared_tx = sum(1 for r in shared if r.get("transplants"))
    assert counts["transplants"] == sum(_expected_transplants(p) - shared_tx for p in own) + shared_tx
    assert counts["orphans"] == 0 and counts["unaudited"] == 0
    engine.dispose()


def test_import_killed_halfway_is_consistent_and_rerun_completes(db_url, tmp_path):
    n = 8000
    csv = _write_csv(tmp_path / "big.csv", n, seed=7)
    engine = db.open_registry(db_url, create=True)
    # small commits (50 records) so the kill lands between and inside transactions, never after the end
    proc = subprocess.Popen(_import_cmd(csv, db_url) + ["--batch-size", "50"], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    deadline = time.time() + 120
    seen = 0
    while time.time() < deadline and proc.poll() is None:
        seen = _counts(engine)["patients"]
        if seen >= 200:
            break
        time.sleep(0.05)
    assert proc.poll() is None, "import finished before it could be killed; make the file bigger"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    partial = _counts(engine)
    assert 0 < partial["patients"] < n
    assert partial["inserts"] == partial["patients"]  # every stored patient audited, no audit without a patient
    assert partial["orphans"] == 0 and partial["unaudited"] == 0
    if engine.dialect.name == "sqlite":
        with engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
    rerun = subprocess.run(_import_cmd(csv, db_url), capture_output=True, text=True, timeout=300)
    assert rerun.returncode == 0, rerun.stderr
    final = _counts(engine)
    assert final["patients"] == n and final["inserts"] == n
    assert final["transplants"] == _expected_transplants(csv)
    engine.dispose()
