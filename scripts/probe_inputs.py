"""Adversarial input probe (issue 11, items 5-8 and 14): generate malformed inputs, run every CLI command on them,
count what goes wrong.

    PYTHONPATH=src python scripts/probe_inputs.py            # summary + one line per bad outcome
    PYTHONPATH=src python scripts/probe_inputs.py --verbose  # every case

Each case runs the CLI IN PROCESS (rarebone.cli.main: the HPO is loaded once, so ~150 cases take a minute) under
a SIGALRM timeout; the cases that could block (a FIFO) or eat memory run as a subprocess. Outcomes:

  traceback   an exception escaped the CLI boundary, or exit status 1
  hang        the timeout fired
  multi-line  exit 2 but stderr was not one line (single-input cases only; a batch prints one line per bad item)
  wrong-exit0 the input is wrong and the expected refusal (or counted warning) did not come: exit 0 in silence
  ok          the expected outcome

Expectation per case: "refuse" (exit 2, or exit 0 with a warning on stderr/stdout naming the problem when the
case says "warn" is acceptable), "ok" (exit 0), "any" (0 or 2, only the crash classes count).
"""

from __future__ import annotations

import contextlib
import copy
import io
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import traceback
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EX = ROOT / "examples"
STORE = ROOT / "tests" / "data" / "phenopacket-store-sample"
ROOT_USER = os.geteuid() == 0


@dataclass
class Case:
    name: str
    argv: list[str]
    expect: str = "refuse"  # refuse | warn | ok | any
    batch: bool = False
    subprocess: bool = False
    setup: list[list[str]] = field(default_factory=list)  # CLI runs before the case (e.g. registry import)
    db: bool = False


class _Timeout(Exception):
    pass


def _alarm(_signum, _frame):
    raise _Timeout()


def run_inprocess(argv: list[str], timeout: int = 60) -> tuple[int | str, str, str]:
    from rarebone.cli import main

    out_b, err_b = io.BytesIO(), io.BytesIO()
    out = io.TextIOWrapper(out_b, encoding="utf-8", write_through=True)
    err = io.TextIOWrapper(err_b, encoding="utf-8", write_through=True)
    code: int | str = 0
    old = signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(timeout)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                main(argv)
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    except _Timeout:
        code = "hang"
    except BaseException:  # noqa: BLE001 - that is what we count
        err.write(traceback.format_exc())
        code = "traceback"
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)
    return code, out_b.getvalue().decode("utf-8", "replace"), err_b.getvalue().decode("utf-8", "replace")


def run_subprocess(argv: list[str], timeout: int = 30, env: dict | None = None) -> tuple[int | str, str, str]:
    try:
        proc = subprocess.run([sys.executable, "-m", "rarebone", *argv], capture_output=True, timeout=timeout,
                              env={**os.environ, **(env or {})}, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        return "hang", "", ""
    return proc.returncode, proc.stdout.decode("utf-8", "replace"), proc.stderr.decode("utf-8", "replace")


def classify(case: Case, code, out: str, err: str) -> str:
    if code == "hang":
        return "hang"
    if code == "traceback" or code == 1 or "Traceback (most recent call last)" in err:
        return "traceback"
    lines = [line for line in err.splitlines() if line.strip() and not line.startswith("wrote ")]
    if code == 2 and not case.batch and len(lines) != 1:
        return "multi-line"
    if code not in (0, 2):
        return "traceback"
    if case.expect == "refuse" and code == 0:
        return "wrong-exit0"
    if case.expect == "warn" and code == 0 and "warning" not in (out + err).lower():
        return "wrong-exit0"
    if case.expect == "ok" and code != 0:
        return "wrong-refusal"
    return "ok"


# ---------------------------------------------------------------- input generation

def _load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def _set(doc, path: list, value):
    node = doc
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    return doc


PP_MUTATIONS = [
    # (name, path into the document, value, expect)
    ("subject-null", ["subject"], None, "any"),
    ("subject-string", ["subject"], "x", "refuse"),
    ("subject-list", ["subject"], [], "refuse"),
    ("features-null", ["phenotypicFeatures"], None, "any"),
    ("features-item-null", ["phenotypicFeatures", 0], None, "any"),
    ("features-type-null", ["phenotypicFeatures", 0, "type"], None, "refuse"),
    ("features-type-id-null", ["phenotypicFeatures", 0, "type", "id"], None, "refuse"),
    ("features-type-id-int", ["phenotypicFeatures", 0, "type", "id"], 5, "refuse"),
    ("features-excluded-string", ["phenotypicFeatures", 0, "excluded"], "yes", "refuse"),
    ("onset-null", ["phenotypicFeatures", 0, "onset"], None, "any"),
    ("onset-age-null", ["phenotypicFeatures", 0, "onset", "age"], None, "any"),
    ("onset-age-huge", ["phenotypicFeatures", 0, "onset", "age", "iso8601duration"], "P" + "9" * 400 + "Y", "refuse"),
    ("onset-age-999y", ["phenotypicFeatures", 0, "onset", "age", "iso8601duration"], "P999Y", "refuse"),
    ("tale-999y", ["subject", "timeAtLastEncounter", "age", "iso8601duration"], "P999Y", "refuse"),
    ("tale-1e20-days", ["subject", "timeAtLastEncounter", "age", "iso8601duration"], "P100000000000000000000D", "refuse"),
    ("dob-2099", ["subject", "dateOfBirth"], "2099-01-01T00:00:00Z", "refuse"),
    ("dob-0001", ["subject", "dateOfBirth"], "0001-01-01T00:00:00Z", "refuse"),
    ("dob-garbage", ["subject", "dateOfBirth"], "2020-01-01garbage", "refuse"),
    ("dob-int", ["subject", "dateOfBirth"], 5, "refuse"),
    ("sex-int", ["subject", "sex"], 7, "refuse"),
    ("vital-null", ["subject", "vitalStatus"], None, "any"),
    ("survival-negative", ["subject", "vitalStatus"], {"status": "DECEASED", "survivalTimeInDays": -5}, "refuse"),
    ("schema-3.0", ["metaData", "phenopacketSchemaVersion"], "3.0", "refuse"),
    ("metadata-null", ["metaData"], None, "any"),
    ("metadata-list", ["metaData"], [], "refuse"),
    ("measurements-null", ["measurements"], None, "any"),
    ("measurement-item-null", ["measurements", 0], None, "any"),
    ("measurement-value-null", ["measurements", 0, "value"], None, "any"),
    ("measurement-quantity-null", ["measurements", 0, "value", "quantity"], None, "any"),
    ("measurement-value-string", ["measurements", 0, "value", "quantity", "value"], "abc", "refuse"),
    ("measurement-value-inf", ["measurements", 0, "value", "quantity", "value"], float("inf"), "refuse"),
    ("measurement-value-nan", ["measurements", 0, "value", "quantity", "value"], float("nan"), "refuse"),
    ("measurement-value-1e400", ["measurements", 0, "value", "quantity", "value"], "1e400", "refuse"),
    ("measurement-value-bigint", ["measurements", 0, "value", "quantity", "value"], 10 ** 400, "refuse"),
    ("measurement-value-negative", ["measurements", 0, "value", "quantity", "value"], -5, "any"),  # z-scores exist
    ("measurement-future", ["measurements", 0, "timeObserved"], {"timestamp": "2090-01-01T00:00:00Z"}, "warn"),
    ("measurement-assay-null", ["measurements", 0, "assay"], None, "any"),
    ("interpretations-null", ["interpretations"], None, "any"),
    ("interpretations-item-string", ["interpretations"], ["x"], "refuse"),
    ("extension-null", ["rareboneExtensions"], None, "any"),
    ("extension-string", ["rareboneExtensions"], "x", "refuse"),
    ("extension-list", ["rareboneExtensions"], [1], "refuse"),
    ("id-null", ["id"], None, "refuse"),
    ("id-int", ["id"], 7, "refuse"),
]

TOP_LEVEL = [
    ("top-null", "null"), ("top-list", "[]"), ("top-string", '"x"'), ("top-number", "1e999"),
    ("empty", ""), ("whitespace", "   \n"), ("deep-nesting", '{"id": "x", "rareboneExtensions": ' + "[" * 100000 + "]" * 100000 + "}"),
    ("truncated", '{"id": "x", "subject": {'), ("nan-literal", '{"id": "x", "subject": {"id": NaN}}'),
]


def _dump(doc, path: Path) -> Path:
    text = json.dumps(doc, allow_nan=True) if not isinstance(doc, str) else doc
    path.write_text(text, encoding="utf-8")
    return path


def phenopacket_files(tmp: Path) -> list[tuple[str, Path, str]]:
    """(name, file, expect) for every mutation of every base Phenopacket that has the mutated parent."""
    bases = {"tcirg1": EX / "phenopackets" / "tcirg1-infant.json",
             "cno": EX / "cno" / "cno-multivisit.json",
             "hsct": EX / "transplant" / "tcirg1-post-hsct-series.json",
             "registry": EX / "registry" / "phenopackets" / "synthetic-tcirg1-haplo.json"}
    store = sorted(STORE.glob("*.json"))[:2] if STORE.exists() else []
    for i, path in enumerate(store):
        bases[f"store{i}"] = path
    out = []
    folder = tmp / "pp"
    folder.mkdir(exist_ok=True)
    for base_name, base in bases.items():
        doc0 = _load(base)
        for name, path, value, expect in PP_MUTATIONS:
            doc = copy.deepcopy(doc0)
            try:
                parent = doc
                for key in path[:-1]:
                    parent = parent[key]
                _set(doc, path, value)
            except (KeyError, IndexError, TypeError):
                continue
            text = json.dumps(doc, allow_nan=True)
            if isinstance(value, str) and value == "1e400":
                text = text.replace('"1e400"', "1e400")
            out.append((f"{base_name}:{name}", _dump(text, folder / f"{base_name}-{name}.json"), expect))
    for name, text in TOP_LEVEL:
        out.append((f"raw:{name}", _dump(text, folder / f"raw-{name}.json"), "refuse"))
    (folder / "raw-latin1.json").write_bytes(json.dumps(_load(bases["tcirg1"])).replace("Osteopetrosis", "Ost\u00e9opetrosis").encode("latin-1"))
    out.append(("raw:latin1", folder / "raw-latin1.json", "refuse"))
    (folder / "raw-utf16.json").write_bytes(json.dumps(_load(bases["tcirg1"])).encode("utf-16"))
    out.append(("raw:utf16", folder / "raw-utf16.json", "any"))
    return out


def csv_files(tmp: Path) -> list[tuple[str, Path, str]]:
    """Mutations of the reconstructed S1 sheet (read with its mapping)."""
    base = (EX / "registry" / "s1-reconstructed-cohort.csv").read_text(encoding="utf-8")
    lines = base.splitlines()
    header, rows = lines[0], lines[1:]
    cols = header.split(",")
    folder = tmp / "csv"
    folder.mkdir(exist_ok=True)

    def with_cell(row_index: int, column: str, value: str) -> str:
        cells = rows[row_index].split(",")
        cells[cols.index(column)] = value
        return "\n".join([header, *rows[:row_index], ",".join(cells), *rows[row_index + 1:]]) + "\n"

    variants = [
        ("cd34-inf", with_cell(0, "CD34", "inf"), "refuse"),
        ("cd34-nan", with_cell(0, "CD34", "nan"), "refuse"),
        ("cd34-1e400", with_cell(0, "CD34", "1e400"), "refuse"),
        ("cd34-1e300", with_cell(0, "CD34", "1e300"), "refuse"),
        ("hla-matched-above-total", with_cell(0, "HLA_matched", "11"), "refuse"),
        ("anc-day-after-followup", with_cell(0, "ANC_day", "400"), "refuse"),
        ("age-999-years", with_cell(0, "Age_tx_mo", str(999 * 12)), "refuse"),
        ("fu-inf", with_cell(0, "FU_months", "inf"), "refuse"),
        ("short-row", "\n".join([header, rows[0], "99,1,1", *rows[1:]]) + "\n", "refuse"),
        ("long-row", "\n".join([header, rows[0] + ",extra,cells", *rows[1:]]) + "\n", "refuse"),
        ("unterminated-quote", "\n".join([header, rows[0].replace("father", '"father', 1), *rows[1:]]) + "\n", "refuse"),
        ("duplicate-key", "\n".join([header, *rows, rows[0].replace(",5,10,", ",4,10,", 1)]) + "\n", "refuse"),
        ("over-long-cell", with_cell(0, "Donor", "x" * 200_000), "refuse"),
        ("semicolon", "\n".join(line.replace(",", ";") for line in lines) + "\n", "ok"),  # detected
        ("header-only", header + "\n", "any"),
        ("empty", "", "refuse"),
    ]
    out = []
    for name, text, expect in variants:
        path = folder / f"{name}.csv"
        path.write_text(text, encoding="utf-8")
        out.append((f"csv:{name}", path, expect))
    accented = base.replace("father", "p\u00e8re")
    for enc in ("latin-1", "cp1252", "utf-16"):
        path = folder / f"enc-{enc}.csv"
        path.write_bytes(accented.encode(enc))
        out.append((f"csv:{enc}", path, "refuse"))
    return out


def dictionary_csv_files(tmp: Path) -> list[tuple[str, Path, str]]:
    folder = tmp / "dict"
    folder.mkdir(exist_ok=True)
    head = "patient_key,sex,birth_date,transplant.hla_matched,transplant.hla_total,transplant.neutrophil_engraftment_day,transplant.followup_days,age_at_diagnosis_days"
    good = "P1,male,2015-01-01,5,10,20,300,100"
    variants = [
        ("good", f"{head}\n{good}\n", "ok"),
        ("dob-2099", f"{head}\nP1,male,2099-01-01,5,10,20,300,100\n", "refuse"),
        ("dob-0001", f"{head}\nP1,male,0001-01-01,5,10,20,300,100\n", "refuse"),
        ("dob-garbage", f"{head}\nP1,male,2020-01-01garbage,5,10,20,300,100\n", "refuse"),
        ("age-999y", f"{head}\nP1,male,2015-01-01,5,10,20,300,{999 * 366}\n", "refuse"),
        ("inf", f"{head}\nP1,male,2015-01-01,5,10,inf,300,100\n", "refuse"),
        ("duplicate-key", f"{head}\n{good}\nP1,female,2015-01-01,5,10,20,300,100\n", "refuse"),
        ("duplicate-key-same", f"{head}\n{good}\n{good}\n", "any"),
        ("short-row", f"{head}\nP1,male\n", "refuse"),
        ("bigint", f"{head}\nP1,male,2015-01-01,{'9' * 400},10,20,300,100\n", "refuse"),
    ]
    out = []
    for name, text, expect in variants:
        path = folder / f"{name}.csv"
        path.write_text(text, encoding="utf-8")
        out.append((f"dict:{name}", path, expect))
    return out


def mapping_files(tmp: Path) -> list[tuple[str, Path, str]]:
    folder = tmp / "map"
    folder.mkdir(exist_ok=True)
    variants = [
        ("list", "- a\n- b\n"), ("columns-list", "columns: [a, b]\n"), ("empty", ""), ("scalar", "42\n"),
        ("codes-list", "columns:\n  sex: {column: Gender, codes: [1, 2]}\n  patient_key: ID\n"),
        ("unit-list", "columns:\n  transplant.followup_days: {column: FU_months, unit: [months]}\n  patient_key: ID\n"),
        ("prefix-dict", "columns:\n  patient_key: {column: ID, prefix: {a: 1}}\n"),
        ("column-int", "columns:\n  patient_key: {column: 5}\n"),
        ("codes-key-null", "columns:\n  patient_key: ID\n  sex: {column: Gender, codes: {~: male}}\n"),
        ("bad-yaml", "columns: {a: [\n"), ("tab-yaml", "columns:\n\tpatient_key: ID\n"),
    ]
    out = []
    for name, text in variants:
        path = folder / f"{name}.yaml"
        path.write_text(text, encoding="utf-8")
        out.append((f"map:{name}", path, "refuse"))
    path = folder / "latin1.yaml"
    path.write_bytes("columns:\n  patient_key: {column: ID, prefix: \"S\u00e9-\"}\n".encode("latin-1"))
    out.append(("map:latin1", path, "refuse"))
    return out


def build_cases(tmp: Path) -> list[Case]:
    cases: list[Case] = []
    pp = phenopacket_files(tmp)
    for name, path, expect in pp:
        base = name.split(":")[0]
        if base in ("tcirg1", "raw", "store0", "store1", "registry"):
            cases.append(Case(f"assess {name}", ["assess", str(path)], expect))
        if base in ("cno",):
            cases.append(Case(f"cno plan {name}", ["cno", "plan", str(path), "--start", "2026-04-01"], expect))
            cases.append(Case(f"cno course {name}", ["cno", "course", str(path)], expect))
        if base in ("hsct",):
            cases.append(Case(f"monitor {name}", ["monitor", str(path)], expect))
        if base in ("tcirg1",) and name.split(":")[1] in {"subject-null", "measurement-value-inf", "dob-2099", "tale-999y",
                                                         "measurement-item-null", "subject-string", "extension-string"}:
            cases.append(Case(f"plan {name}", ["plan", str(path), "--protocol", "beijing-haplo", "--day0", "2027-01-15"],
                              expect))
        if base in ("registry", "raw"):
            cases.append(Case(f"registry import {name}", ["registry", "import", str(path)], expect, db=True))
    # a folder with one poisoned file: the others must still be assessed, and the bad one counted
    folder = tmp / "batch"
    folder.mkdir(exist_ok=True)
    for f in (EX / "phenopackets").glob("*.json"):
        shutil.copy(f, folder / f.name)
    shutil.copy(tmp / "pp" / "tcirg1-subject-null.json", folder / "zz-subject-null.json")
    shutil.copy(tmp / "pp" / "tcirg1-measurement-item-null.json", folder / "zz-measurement-null.json")
    shutil.copy(tmp / "pp" / "tcirg1-dob-2099.json", folder / "zz-dob-2099.json")
    cases.append(Case("assess folder with poisoned files", ["assess", str(folder)], "refuse", batch=True))
    cases.append(Case("assess folder json", ["assess", str(folder), "--format", "json"], "refuse", batch=True))
    cno_folder = tmp / "cno-batch"
    cno_folder.mkdir(exist_ok=True)
    for f in (EX / "cno").glob("*.json"):
        shutil.copy(f, cno_folder / f.name)
    (cno_folder / "zz-broken.json").write_text('{"id": "x", "subject": {', encoding="utf-8")
    cases.append(Case("cno course folder with broken file", ["cno", "course", str(cno_folder)], "refuse", batch=True))
    # same id in different files (item 5)
    same = tmp / "same-id"
    same.mkdir(exist_ok=True)
    for i, gene in enumerate(("TCIRG1", "CLCN7")):
        doc = _load(EX / "registry" / "phenopackets" / "synthetic-tcirg1-haplo.json")
        doc["id"] = f"paper{i}"
        doc["subject"]["id"] = "Patient 2"
        doc["subject"]["sex"] = "MALE" if i == 0 else "FEMALE"
        (same / f"paper{i}.json").write_text(json.dumps(doc), encoding="utf-8")
    cases.append(Case("registry import folder: two children called 'Patient 2'", ["registry", "import", str(same)],
                      "refuse", batch=True, db=True))
    # CSV with mapping
    mapping = EX / "registry" / "s1-reconstructed-map.yaml"
    for name, path, expect in csv_files(tmp):
        cases.append(Case(f"registry import {name}", ["registry", "import", str(path), "--mapping", str(mapping)],
                          expect, batch=True, db=True))
    for name, path, expect in dictionary_csv_files(tmp):
        cases.append(Case(f"registry import {name}", ["registry", "import", str(path)], expect, batch=True, db=True))
    csv_path = EX / "registry" / "s1-reconstructed-cohort.csv"
    for name, path, expect in mapping_files(tmp):
        cases.append(Case(f"registry import {name}", ["registry", "import", str(csv_path), "--mapping", str(path)],
                          expect, db=True))
    # report survives any stored row: store inf / huge values first (if the import lets them in), then report
    for name in ("cd34-inf", "fu-inf", "cd34-1e300", "age-999-years"):
        bad = tmp / "csv" / f"{name}.csv"
        cases.append(Case(f"report after importing {name}", ["report", "--format", "json"], "any", db=True,
                          setup=[["registry", "import", str(bad), "--mapping", str(mapping)]]))
    # options
    tcirg1 = str(EX / "phenopackets" / "tcirg1-infant.json")
    plan_pp = str(EX / "transplant" / "tcirg1-infant-plan.json")
    cno_pp = str(EX / "cno" / "cno-clavicle-tibia.json")
    plan = ["plan", plan_pp, "--protocol", "beijing-haplo"]
    options = [
        ("cno plan --start 9999-12-31", ["cno", "plan", cno_pp, "--start", "9999-12-31"], "refuse"),
        ("cno plan --start 0001-01-01", ["cno", "plan", cno_pp, "--start", "0001-01-01"], "refuse"),
        ("plan --day0 9999-12-31", [*plan, "--day0", "9999-12-31"], "refuse"),
        ("plan --day0 9999-12-31 ics", [*plan, "--day0", "9999-12-31", "--format", "ics"], "refuse"),
        ("plan --day0 0001-01-01", [*plan, "--day0", "0001-01-01"], "refuse"),
        ("plan --weight inf", [*plan, "--day0", "2027-01-15", "--weight", "inf"], "refuse"),
        ("plan --weight nan", [*plan, "--day0", "2027-01-15", "--weight", "nan"], "refuse"),
        ("plan --height 1e308", [*plan, "--day0", "2027-01-15", "--height", "1e308"], "refuse"),
        ("plan --busulfan-auc nan", [*plan, "--day0", "2027-01-15", "--busulfan-auc", "nan", "--after-dose", "1"], "refuse"),
        ("plan --busulfan-auc inf", [*plan, "--day0", "2027-01-15", "--busulfan-auc", "inf", "--after-dose", "1"], "refuse"),
        ("plan --until 10**9", [*plan, "--day0", "2027-01-15", "--until", "1000000000"], "refuse"),
        ("plan --until -5", [*plan, "--day0", "2027-01-15", "--until", "-5"], "refuse"),
        ("monitor --day0 9999-12-31", ["monitor", str(EX / "transplant" / "tcirg1-post-hsct-series.json"), "--day0", "9999-12-31"], "refuse"),
        ("report --at inf", ["report", "--at", "inf"], "refuse"),
        ("report --at nan", ["report", "--at", "nan"], "refuse"),
        ("report --at -1", ["report", "--at", "-1"], "refuse"),
        ("-o folder", ["assess", tcirg1, "-o", str(tmp)], "refuse"),
        ("-o missing folder", ["assess", tcirg1, "-o", str(tmp / "nope" / "x.txt")], "refuse"),
        ("-o empty", ["assess", tcirg1, "-o", ""], "refuse"),
        # as root, permissions do not bind: then these may succeed
        ("-o read-only folder", ["assess", tcirg1, "-o", str(tmp / "ro" / "x.txt")], "any" if ROOT_USER else "refuse"),
        ("-o read-only file", ["assess", tcirg1, "-o", str(tmp / "ro-file.txt")], "any" if ROOT_USER else "refuse"),
        ("-o x.html without --format", ["assess", tcirg1, "-o", str(tmp / "x.html")], "ok"),
        ("-o x.json contradicting --format html", ["assess", tcirg1, "--format", "html", "-o", str(tmp / "y.json")], "refuse"),
        ("-o x.ics without --format", [*plan, "--day0", "2027-01-15", "-o", str(tmp / "x.ics")], "ok"),
        ("registry export -o folder", ["registry", "export", "-o", str(tmp)], "refuse"),
        ("registry export phenopackets -o file", ["registry", "export", "--as", "phenopackets", "-o", str(tmp / "ro-file.txt")], "refuse"),
        ("--version", ["--version"], "ok"),
        ("assess a folder with no json", ["assess", str(tmp / "csv")], "refuse"),
        ("assess a missing file", ["assess", str(tmp / "missing.json")], "refuse"),
        ("cno course a missing file", ["cno", "course", str(tmp / "missing.json")], "refuse"),
        ("registry import big csv", ["registry", "import", str(tmp / "big.csv"), "--mapping", str(mapping)], "refuse"),
    ]
    for name, argv, expect in options:
        db = argv[0] in ("report", "registry")
        cases.append(Case(name, argv, expect, db=db))
    # things that could block or exhaust memory: always in a subprocess with a timeout
    fifo = tmp / "fifo.json"
    if not fifo.exists():
        os.mkfifo(fifo)
    big = tmp / "big.json"
    with open(big, "w", encoding="utf-8") as handle:  # 50 MB of valid JSON
        handle.write('{"id": "big", "subject": {"id": "big"}, "phenotypicFeatures": [')
        handle.write(",".join(['{"type": {"id": "HP:0011002"}}'] * 1_700_000))
        handle.write("]}")
    with open(tmp / "big.csv", "w", encoding="utf-8") as handle:
        handle.write((EX / "registry" / "s1-reconstructed-cohort.csv").read_text(encoding="utf-8"))
        handle.write("99,1,1,TCIRG1,father,5,10,1,4,10.22,23.12,26,,1,1,0,1,0.5\n" * 900_000)
    cases.append(Case("assess a FIFO", ["assess", str(fifo)], "refuse", subprocess=True))
    cases.append(Case("registry import a FIFO", ["registry", "import", str(fifo)], "refuse", subprocess=True, db=True))
    cases.append(Case("registry import a FIFO csv", ["registry", "import", str(fifo), "--mapping", str(mapping)], "refuse",
                      subprocess=True, db=True))
    cases.append(Case("assess a 50 MB file", ["assess", str(big)], "refuse", subprocess=True))
    return cases


def main(argv: list[str]) -> int:
    verbose = "--verbose" in argv
    tmp = Path(tempfile.mkdtemp(prefix="rarebone-probe-"))
    ro = tmp / "ro"
    ro.mkdir()
    (tmp / "ro-file.txt").write_text("x")
    os.chmod(tmp / "ro-file.txt", 0o444)
    os.chmod(ro, 0o555)
    os.environ.setdefault("RAREBONE_TODAY", "2026-11-30")
    counts: dict[str, int] = {}
    try:
        cases = build_cases(tmp)
        run_inprocess(["assess", str(EX / "phenopackets" / "tcirg1-infant.json")])  # warm the HPO cache
        for i, case in enumerate(cases):
            env = {}
            if case.db:
                env["RAREBONE_DB"] = str(tmp / f"db{i}.sqlite")
            old = {k: os.environ.get(k) for k in env}
            os.environ.update(env)
            try:
                for step in case.setup:
                    run_inprocess(step)
                if case.subprocess:
                    code, out, err = run_subprocess(case.argv, timeout=30, env=env)
                else:
                    code, out, err = run_inprocess(case.argv)
            finally:
                for k, v in old.items():
                    if v is None:
                        os.environ.pop(k, None)
                    else:
                        os.environ[k] = v
            outcome = classify(case, code, out, err)
            counts[outcome] = counts.get(outcome, 0) + 1
            if verbose or outcome != "ok":
                last = (err.strip().splitlines() or [""])[-1][:160]
                print(f"{outcome:<12} {case.name}  [exit {code}] {last}", flush=True)
    finally:
        os.chmod(ro, 0o755)
        shutil.rmtree(tmp, ignore_errors=True)
    total = sum(counts.values())
    print(f"\nINPUTS TRIED: {total}; " + ", ".join(f"{k}: {v}" for k, v in sorted(counts.items())))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
