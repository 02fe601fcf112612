"""The bedside install (`pip install rarebone`, no extras) must work: no core module may import a registry-only
library at import time, and assess/plan/monitor/cno must run without them. Each check runs in a subprocess whose
sys.meta_path refuses the optional packages, exactly as if they were not installed."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from rarebone.extras import PROVIDED_BY

ROOT = Path(__file__).resolve().parents[2]

BLOCKER = """
import sys
BLOCKED = {blocked!r}
class Block:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in BLOCKED:
            raise ModuleNotFoundError(f"No module named {name!r} (blocked: optional extra)", name=name)
        return None
sys.meta_path.insert(0, Block())
"""

# optional rooms: they may import the extras (inside functions or at module level)
OPTIONAL = ("rarebone.registry", "rarebone.analytics", "rarebone.workflows.outcomes", "rarebone.report.outcomes",
            "rarebone.__main__", "rarebone.web")  # __main__ runs the command line on import; web: the [web] extra


def run(code: str, blocked=tuple(sorted(PROVIDED_BY))) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    return subprocess.run([sys.executable, "-c", BLOCKER.replace("{blocked!r}", repr(list(blocked))) + code], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=300)


def test_no_core_module_imports_an_optional_extra_at_import_time():
    code = f"""
import importlib, pkgutil, json, rarebone
names = [m.name for m in pkgutil.walk_packages(rarebone.__path__, "rarebone.")
         if not m.name.startswith({OPTIONAL!r})]
for name in names:
    importlib.import_module(name)
print(json.dumps(names))
"""
    done = run(code)
    assert done.returncode == 0, done.stderr[-2000:]
    names = json.loads(done.stdout)
    # the scan really covered the core rooms
    for room in ("rarebone.cli", "rarebone.workflows.assess", "rarebone.workflows.plan", "rarebone.workflows.monitor",
                 "rarebone.cno.record", "rarebone.intake.phenopacket", "rarebone.report.transplant", "rarebone.api"):
        assert room in names


def test_blocker_really_blocks():
    done = run("import sqlalchemy")
    assert done.returncode != 0 and "blocked" in done.stderr


@pytest.mark.parametrize("argv", [
    ["assess", "examples/phenopackets/tcirg1-infant.json"],
    ["assess", "examples/phenopackets/tcirg1-infant.json", "--format", "html"],
    ["plan", "examples/transplant/tcirg1-infant-plan.json", "--protocol", "beijing-haplo", "--day0", "2027-01-15",
     "--format", "ics"],
    ["plan", "examples/transplant/tcirg1-infant-plan.json", "--protocol", "beijing-haplo", "--day0", "2027-01-15",
     "--format", "html"],
    ["monitor", "examples/transplant/tcirg1-post-hsct-series.json", "--format", "json"],
    ["cno", "plan", "examples/cno/cno-clavicle-tibia.json"],
    ["cno", "course", "examples/cno/cno-multivisit.json"],
    ["schema", "extension-donors"],
])
def test_bedside_commands_run_without_extras(argv):
    done = run(f"from rarebone.cli import main; main({argv!r})")
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip()


@pytest.mark.parametrize("argv, extra", [
    (["registry", "init", "--db", "IGNORED"], "registry"),
    (["report", "--db", "IGNORED"], "registry"),
    (["monitor", "examples/transplant/tcirg1-post-hsct-series.json", "--format", "html"], "pdf"),
])
def test_command_needing_a_missing_extra_names_it_in_one_line(argv, extra, tmp_path):
    argv = [str(tmp_path / "r.sqlite") if a == "IGNORED" else a for a in argv]
    done = run(f"from rarebone.cli import main; main({argv!r})")
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in done.stderr
    assert f"pip install 'rarebone[{extra}]'" in lines[0]


def test_a_missing_module_that_is_not_an_extra_stays_a_bug():
    from rarebone.extras import missing_extra

    assert missing_extra(ModuleNotFoundError("x", name="not_ours")) is None
    assert "rarebone[postgres]" in str(missing_extra(ModuleNotFoundError("x", name="psycopg")))


def test_postgres_url_without_the_postgres_extra_names_it(tmp_path):
    argv = ["registry", "init", "--db", "postgresql+psycopg://nobody@127.0.0.1:1/none"]
    done = run(f"from rarebone.cli import main; main({argv!r})", blocked=("psycopg", "psycopg2"))
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "pip install 'rarebone[postgres]'" in done.stderr.strip()
