"""Measure (never tune) what rarebone says about the CNO real cases.

Runs the real command, `rarebone assess <folder> --format json`, and tabulates the CNO suspicion
level per key subgroup, plus whether the monogenic panel flags LPIN2/IL1RN. For information only:
the set is the yardstick, rarebone is what is measured.

    PYTHONPATH=src /work/venv/bin/python tests/data/real-cases/tools/measure_cno.py
"""
from __future__ import annotations

import collections
import csv
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    keys = {Path(r["file"]).name: r for r in csv.DictReader((ROOT / "keys" / "cno.csv").open(encoding="utf-8"))}
    run = subprocess.run([sys.executable, "-m", "rarebone", "assess", str(ROOT / "cno"), "--format", "json"],
                         capture_output=True, text=True)
    if run.returncode != 0:
        print(run.stderr, file=sys.stderr)
        return run.returncode
    levels: collections.Counter = collections.Counter()
    by_sub: dict = collections.defaultdict(collections.Counter)
    for line in run.stdout.splitlines():
        doc = json.loads(line)
        name = Path(doc["source"]).name
        sub = keys[name]["subgroup"]
        level = doc["suspicion"]["cno"]["level"]
        flagged = [m["key"] for m in doc["cno"]["monogenic"] if m.get("flagged")]
        print(f"{name:40} {sub:13} cno={level:9} score={doc['suspicion']['cno']['score']:5} "
              f"op={doc['suspicion']['osteopetrosis']['level']:8} monogenic_flagged={','.join(flagged) or '-'}")
        levels[level] += 1
        by_sub[sub][level] += 1
    total = sum(levels.values())
    mod_high = levels["moderate"] + levels["high"]
    print(f"\n{total} files; CNO level: {dict(levels)}; moderate-or-high {mod_high}/{total}")
    for sub, cnt in sorted(by_sub.items()):
        print(f"  {sub:13} {dict(cnt)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
