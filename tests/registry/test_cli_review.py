"""The command line where a user gets it wrong or reads the audit trail: exit statuses, one-line errors,
field-level history, UTC timestamps (both back ends where the database matters)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from rarebone.cli import main

FIXTURES = Path(__file__).parent / "fixtures"  # centre.csv: 8 rows, row 8 (patient 007) has donor code 'uncle'


def _fail(capsys, *argv) -> str:
    with pytest.raises(SystemExit) as exc:
        main(list(argv))
    assert exc.value.code == 2
    return capsys.readouterr()


def _import_centre(capsys, db: str):
    return _fail(capsys, "registry", "import", str(FIXTURES / "centre.csv"), "--mapping",
                 str(FIXTURES / "centre-map.yaml"), "--db", db)


def test_import_with_a_rejected_row_exits_2_and_keeps_the_good_rows(capsys, db_url):
    out = _import_centre(capsys, db_url)
    assert out.out.startswith("8 records: 7 inserted, 0 updated, 0 unchanged, 1 rejected")
    assert "1 record(s) rejected" in out.err
    # the location is said once: "centre.csv row 8, column 'Donor': ...", not "centre.csv row 8: centre.csv row 8, ..."
    rejected = next(line for line in out.out.splitlines() if "rejected:" in line)
    assert rejected.count("centre.csv row 8") == 1 and "column 'Donor'" in rejected
    main(["report", "--db", db_url, "--format", "json"])
    assert json.loads(capsys.readouterr().out)["n"] == 7
    # JSON summary: same exit status, the rejected list is machine-readable
    data = json.loads(_fail(capsys, "registry", "import", str(FIXTURES / "centre.csv"), "--mapping",
                            str(FIXTURES / "centre-map.yaml"), "--db", db_url, "--format", "json").out)
    assert data["unchanged"] == 7 and len(data["rejected"]) == 1


def test_history_shows_the_changed_nested_field_and_utc_times(capsys, db_url, tmp_path):
    _import_centre(capsys, db_url)
    changed = (FIXTURES / "centre.csv").read_text().replace(",7.35,", ",8.00,")
    (tmp_path / "centre.csv").write_text(changed)
    _fail(capsys, "registry", "import", str(tmp_path / "centre.csv"), "--mapping", str(FIXTURES / "centre-map.yaml"),
          "--db", db_url)
    main(["registry", "history", "CTR-001", "--db", db_url])
    text = capsys.readouterr().out
    assert "transplants[0].cd34_10e6_per_kg: 7.35 -> 8.0" in text
    update = text[text.index("update"):]
    assert "transplants[0].donor_relation" not in update  # unchanged fields are not listed
    main(["registry", "history", "CTR-001", "--db", db_url, "--format", "json"])
    data = json.loads(capsys.readouterr().out)
    assert data["history"][1]["changed"] == ["transplants"]  # JSON unchanged: paths + whole before/after
    assert data["history"][1]["before"]["transplants"][0]["cd34_10e6_per_kg"] == 7.35
    for entry in data["history"]:
        moment = dt.datetime.fromisoformat(entry["at"])
        assert moment.utcoffset() == dt.timedelta(0), entry["at"]
    assert all(line.split()[0].endswith("+00:00") for line in text.splitlines()
               if line[:4].isdigit())


@pytest.mark.parametrize("argv, needles", [
    (["--by", "nonsense"], ["--by: unknown field", "'nonsense'"]),
    (["--at", "-5"], ["--at:", "> 0", "-5"]),
    (["--at", "0"], ["--at:", "> 0"]),
    (["--cohort", "diagnosis == miop"], ["--cohort: unknown value for diagnosis", "did you mean 'MIOP'?"]),
    (["--cohort", "donor_relation == Father"], ["transplant.donor_relation", "father, mother", "'father'"]),
    (["--cohort", "sex == maybe"], ["unknown value for sex", "male, female, other, unknown", "'maybe'"]),
])
def test_report_option_errors_are_one_line_exit_2(capsys, tmp_path, argv, needles):
    db = str(tmp_path / "r.sqlite")
    main(["registry", "init", "--db", db])
    capsys.readouterr()
    err = _fail(capsys, "report", "--db", db, *argv).err
    assert err.count("\n") == 1, err
    for needle in needles:
        assert needle in err, (needle, err)
    assert "--cohort" not in err or argv[0] == "--cohort"
