"""CDM v5.4 layout checked against the vendored Synthea27Nj (OHDSI EunomiaDatasets, Apache-2.0), and the loader
for a folder of OMOP CSV/Parquet tables."""

from __future__ import annotations

import csv
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from rarebone.errors import InputError
from rarebone.screening.demo.loader import load_folder
from rarebone.screening.demo.schema import CDM_TABLES

ROOT = Path(__file__).parents[2]


@pytest.mark.parametrize("table", sorted(CDM_TABLES))
def test_columns_against_synthea27nj_v54_headers(synthea_folder, table):
    with (synthea_folder / f"{table.upper()}.csv").open(encoding="utf-8", newline="") as handle:
        header = next(csv.reader(handle))
    assert [c.lower() for c in header] == [name for name, _ in CDM_TABLES[table]]


def test_loader_reads_synthea27nj_with_cdm_types(synthea_folder):
    loaded = load_folder(synthea_folder)
    con = loaded.con
    assert loaded.tables["person"] == 28
    assert loaded.tables["measurement"] == 10040
    assert loaded.tables["concept_ancestor"] == 0  # empty in Synthea27Nj (ecosystem notes §0.8)
    # haemoglobin LOINC 718-7 rows as counted in the ecosystem notes §4
    assert con.execute("SELECT count(*) FROM measurement WHERE measurement_concept_id = 3000963").fetchone()[0] == 108
    types = dict(con.execute("SELECT column_name, data_type FROM information_schema.columns "
                             "WHERE table_name = 'measurement'").fetchall())
    assert types["value_as_number"] == "DOUBLE"
    assert types["measurement_date"] == "DATE"
    assert types["measurement_datetime"] == "TIMESTAMP"
    assert types["person_id"] == "BIGINT"
    assert types["unit_source_value"] == "VARCHAR"
    assert "VOCABULARY.csv" in {p.name for p in loaded.ignored}


def test_loader_table_names_case_insensitive_and_parquet(tmp_path, synthea_folder):
    import duckdb

    for table in ("person", "observation_period", "visit_occurrence", "condition_occurrence", "measurement",
                  "concept", "concept_ancestor"):
        source = synthea_folder / f"{table.upper()}.csv"
        if table == "person":
            duckdb.sql(f"COPY (SELECT * FROM read_csv('{source}')) TO '{tmp_path / 'Person.parquet'}'")
        else:
            shutil.copy(source, tmp_path / f"{table}.csv")
    loaded = load_folder(tmp_path)
    assert loaded.tables["person"] == 28


def test_missing_table_is_one_error_naming_it(tmp_path, synthea_folder):
    for source in synthea_folder.glob("*.csv"):
        if source.name != "MEASUREMENT.csv":
            shutil.copy(source, tmp_path / source.name)
    with pytest.raises(InputError, match="missing CDM table measurement"):
        load_folder(tmp_path)


def test_wrong_column_type_names_table_and_column(tmp_path, synthea_folder):
    for source in synthea_folder.glob("*.csv"):
        shutil.copy(source, tmp_path / source.name)
    lines = (tmp_path / "PERSON.csv").read_text(encoding="utf-8").splitlines()
    first = lines[1].split(",")
    first[2] = "nineteen-ninety"  # year_of_birth
    lines[1] = ",".join(first)
    (tmp_path / "PERSON.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_folder(tmp_path)
    message = str(caught.value)
    assert "person.year_of_birth" in message and "PERSON.csv" in message and "\n" not in message


def test_missing_column_names_it(tmp_path, synthea_folder):
    for source in synthea_folder.glob("*.csv"):
        shutil.copy(source, tmp_path / source.name)
    lines = (tmp_path / "DEATH.csv").read_text(encoding="utf-8").splitlines()
    lines[0] = lines[0].replace("death_date", "date_of_death")
    (tmp_path / "DEATH.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(InputError, match="death_date"):
        load_folder(tmp_path)


def test_generated_duckdb_has_the_cdm_types(small_cdm):
    import duckdb

    path, _ = small_cdm
    con = duckdb.connect(str(path), read_only=True)
    kinds = {"i": "BIGINT", "f": "DOUBLE", "s": "VARCHAR", "d": "DATE", "t": "TIMESTAMP"}
    for table, columns in CDM_TABLES.items():
        found = con.execute("SELECT column_name, data_type FROM information_schema.columns WHERE table_name = ? "
                            "ORDER BY ordinal_position", [table]).fetchall()
        assert found == [(name, kinds[kind]) for name, kind in columns], table


def test_generated_parquet_and_csv_folders_load_back(tmp_path):
    from rarebone.screening.demo.build import build_demo

    for fmt in ("parquet", "csv"):
        result = build_demo(1000, str(tmp_path / fmt), fmt, seed=1, show_progress=False,
                            truth=tmp_path / f"{fmt}-truth.parquet")
        loaded = load_folder(tmp_path / fmt)
        assert loaded.tables["person"] == 1000
        assert loaded.tables["measurement"] == result.rows["measurement"]
        assert loaded.tables["observation"] == 0  # present with its CDM header, empty in the demo


def test_cli_bad_format_one_line_exit_2(tmp_path):
    run = subprocess.run([sys.executable, "-m", "rarebone", "screen-demo", "--persons", "1000", "--out",
                          str(tmp_path / "x.duckdb"), "--format", "excel"], capture_output=True, text=True,
                         env={"PYTHONPATH": str(ROOT / "src"), "PATH": "/usr/bin:/bin"})
    assert run.returncode == 2
    assert run.stderr.strip().count("\n") == 0 and "--format" in run.stderr and "Traceback" not in run.stderr


def test_cli_too_few_persons_one_line_exit_2(tmp_path):
    run = subprocess.run([sys.executable, "-m", "rarebone", "screen-demo", "--persons", "50", "--out",
                          str(tmp_path / "x.duckdb"), "--quiet"], capture_output=True, text=True,
                         env={"PYTHONPATH": str(ROOT / "src"), "PATH": "/usr/bin:/bin"})
    assert run.returncode == 2 and "--persons" in run.stderr and "Traceback" not in run.stderr
    assert not (tmp_path / "x.duckdb").exists()


def test_screen_demo_without_the_screen_extra_names_it(tmp_path):
    # duckdb and pyarrow come with the `screen` extra; without them one line names the extra, exit 2
    blocker = ("import sys\nclass B:\n    def find_spec(self, name, path=None, target=None):\n"
               "        if name.split('.')[0] in ('duckdb', 'pyarrow'):\n"
               "            raise ModuleNotFoundError(name, name=name)\n"
               "sys.meta_path.insert(0, B())\nfrom rarebone.cli import main\n"
               f"main(['screen-demo', '--persons', '1000', '--out', {str(tmp_path / 'x.duckdb')!r}, '--quiet'])\n")
    run = subprocess.run([sys.executable, "-c", blocker], capture_output=True, text=True,
                         env={"PYTHONPATH": str(ROOT / "src"), "PATH": "/usr/bin:/bin"})
    assert run.returncode == 2, run.stderr
    assert "rarebone[screen]" in run.stderr and "Traceback" not in run.stderr
