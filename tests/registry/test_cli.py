"""The commands as a user runs them: rarebone registry ... and rarebone report ..."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from rarebone.cli import main

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "registry"


def run(capsys, *argv) -> str:
    main(list(argv))
    return capsys.readouterr().out


def test_demo_then_report_on_both_back_ends(capsys, db_url):
    run(capsys, "registry", "init", "--db", db_url)
    run(capsys, "registry", "demo", "--patients", "120", "--seed", "1", "--db", db_url)
    data = json.loads(run(capsys, "report", "--db", db_url, "--by", "donor_relation", "--at", "60",
                          "--time-unit", "months", "--format", "json"))
    assert data["n"] == 120 and data["synthetic"]
    assert data["comparisons"][0]["by"] == "transplant.donor_relation"


def test_html_report_reads_like_a_results_section(capsys, tmp_path, monkeypatch):
    db = tmp_path / "r.sqlite"
    monkeypatch.setenv("RAREBONE_DB", str(db))
    run(capsys, "registry", "demo", "--patients", "150")
    out = tmp_path / "report.html"
    run(capsys, "report", "--cohort", "diagnosis in (MIOP, IOP) and transplant.donor_type == 'haploidentical'",
        "--by", "donor_relation", "--at", "60", "--time-unit", "months", "-o", str(out))
    html = out.read_text()
    for needle in ("SYNTHETIC DATA", "Table 1. Patient characteristics", "Table 2.", "Number at risk", "<svg",
                   "log-rank", "reverse Kaplan-Meier", "Cumulative incidence",
                   "Decision support only", "knowledge version", "[S1]"):
        assert needle in html, needle
    assert "Published arithmetic" not in html  # demo data, not the S1 reconstruction
    text = run(capsys, "report", "--by", "donor_relation")
    assert text.startswith("*** SYNTHETIC DATA")


def test_history_and_dictionary(capsys, tmp_path):
    db = str(tmp_path / "r.sqlite")
    run(capsys, "registry", "import", str(EXAMPLES / "phenopackets"), "--db", db)
    out = run(capsys, "registry", "history", "SYNTHETIC-PP-001", "--db", db)
    assert "insert" in out and "patient.gene: null -> \"TCIRG1\"" in out
    history = json.loads(run(capsys, "registry", "history", "SYNTHETIC-PP-001", "--db", db, "--format", "json"))
    assert history["history"][0]["after"]["patient"]["gene"] == "TCIRG1"
    csv_text = run(capsys, "registry", "dictionary")
    assert csv_text.startswith("field_name,form,field_type,unit,choices,field_label,identifying")
    assert "transplant.cd34_10e6_per_kg" in run(capsys, "registry", "dictionary", "--format", "markdown")
    run(capsys, "registry", "delete", "SYNTHETIC-PP-001", "--reason", "consent withdrawn", "--db", db)
    trail = json.loads(run(capsys, "registry", "history", "SYNTHETIC-PP-001", "--db", db, "--format", "json"))
    assert [h["action"] for h in trail["history"]] == ["insert", "delete"]
    assert trail["history"][1]["source"] == "consent withdrawn" and trail["history"][1]["before"]["patient"]["gene"] == "TCIRG1"


def test_bad_input_is_one_line_and_exit_2(capsys, tmp_path):
    db = str(tmp_path / "r.sqlite")
    with pytest.raises(SystemExit) as exc:
        main(["registry", "history", "NOBODY", "--db", db])
    assert exc.value.code == 2
    run(capsys, "registry", "init", "--db", db)
    with pytest.raises(SystemExit) as exc:
        main(["report", "--db", db, "--cohort", "diagnosis ==", "--format", "json"])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--cohort" in err


def test_mapped_import_and_exports(capsys, tmp_path):
    db = str(tmp_path / "r.sqlite")
    out = run(capsys, "registry", "import", str(EXAMPLES / "s1-reconstructed-cohort.csv"),
              "--mapping", str(EXAMPLES / "s1-reconstructed-map.yaml"), "--db", db)
    assert out.startswith("27 records: 27 inserted")
    again = run(capsys, "registry", "import", str(EXAMPLES / "s1-reconstructed-cohort.csv"),
                "--mapping", str(EXAMPLES / "s1-reconstructed-map.yaml"), "--db", db)
    assert again.startswith("27 records: 0 inserted, 0 updated, 27 unchanged")
    flat = run(capsys, "registry", "export", "--db", db)
    assert flat.count("\n") == 28
    research = run(capsys, "registry", "export", "--as", "research", "--db", db, "--key-file", str(tmp_path / "k.key"))
    assert "SYNTHETIC-S1-01" not in research and research.count("\n") == 27
    folder = tmp_path / "pp"
    run(capsys, "registry", "export", "--as", "phenopackets", "--db", db, "-o", str(folder))
    assert len(list(folder.glob("*.json"))) == 27


def test_pdf_report(capsys, tmp_path):
    from rarebone.report.pdf import find_chromium

    if find_chromium() is None:
        pytest.skip("Chromium not installed (PDF output needs it; .ci/run installs it)")
    db = str(tmp_path / "r.sqlite")
    run(capsys, "registry", "demo", "--patients", "60", "--db", db)
    out = tmp_path / "report.pdf"
    run(capsys, "report", "--db", db, "--by", "donor_relation", "-o", str(out))
    assert out.read_bytes().startswith(b"%PDF")


def test_export_format_follows_the_output_name(capsys, tmp_path):
    db = f"sqlite:///{tmp_path / 'r.sqlite'}"
    run(capsys, "registry", "import", str(EXAMPLES / "s1-reconstructed-cohort.csv"),
        "--mapping", str(EXAMPLES / "s1-reconstructed-map.yaml"), "--db", db)
    jsonl = tmp_path / "research.jsonl"
    run(capsys, "registry", "export", "--db", db, "-o", str(jsonl), "--key-file", str(tmp_path / "k.key"))
    text = jsonl.read_text()
    assert text.count("\n") == 27 and "SYNTHETIC-S1-01" not in text  # de-identified, not the flat CSV
    folder = tmp_path / "packets"
    run(capsys, "registry", "export", "--db", db, "-o", str(folder))
    assert len(list(folder.glob("*.json"))) == 27


def test_export_refuses_a_name_that_contradicts_the_format(capsys, tmp_path):
    from rarebone.cli import main

    db = f"sqlite:///{tmp_path / 'r.sqlite'}"
    run(capsys, "registry", "init", "--db", db)
    target = tmp_path / "deidentified.jsonl"
    with pytest.raises(SystemExit) as exit_info:
        main(["registry", "export", "--as", "csv", "--db", db, "-o", str(target)])
    assert exit_info.value.code == 2
    assert not target.exists()
    assert "--output" in capsys.readouterr().err
