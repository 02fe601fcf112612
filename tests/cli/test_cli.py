"""The command as a user runs it: outputs, exit codes, one-line errors, batches."""

from __future__ import annotations

import json
import shutil

from tests.conftest import EXAMPLES, run_cli


def test_assess_text_shows_notice_evidence_and_sources():
    r = run_cli("assess", str(EXAMPLES / "tcirg1-infant.json"))
    assert r.returncode == 0, r.stderr
    assert "Decision support only" in r.stdout and "HSCT: INDICATED" in r.stdout and "SOURCES" in r.stdout


def test_assess_json_validates_against_the_published_schema():
    import jsonschema

    r = run_cli("assess", str(EXAMPLES / "ostm1-infant.json"), "--format", "json")
    schema = json.loads(run_cli("schema", "assessment").stdout)
    data = json.loads(r.stdout)
    jsonschema.validate(data, schema)
    for field in ("patient_id", "knowledge_version", "suspicion", "genetics", "hsct", "donors", "recommendations",
                  "missing_data", "warnings"):
        assert field in data
    assert set(data["hsct"]) >= {"recommendation", "urgency", "reasons", "citations"}


def test_assess_html_to_file(tmp_path):
    out = tmp_path / "report.html"
    r = run_cli("assess", str(EXAMPLES / "tcirg1-infant.json"), "--format", "html", "-o", str(out))
    assert r.returncode == 0, r.stderr
    html = out.read_text()
    assert "<html" in html and "Decision support only" in html and "TCIRG1" in html


def test_folder_gives_json_lines_and_a_bad_file_does_not_stop_the_others(tmp_path):
    for p in EXAMPLES.glob("*.json"):
        shutil.copy(p, tmp_path)
    (tmp_path / "broken.json").write_text("{")
    r = run_cli("assess", str(tmp_path), "--format", "json")
    assert r.returncode == 2
    lines = [json.loads(line) for line in r.stdout.splitlines()]
    assert len(lines) == len(list(EXAMPLES.glob("*.json")))
    assert "broken.json" in r.stderr and "1 of" in r.stderr
    assert "Traceback" not in r.stderr


def test_bad_file_is_one_line_exit_2_no_traceback(tmp_path):
    bad = tmp_path / "child.json"
    bad.write_text(json.dumps({"id": "x", "subject": {"id": "p"}, "phenotypicFeatures": [
        {"type": {"id": "HP:0000000001", "label": "x"}}], "metaData": {"phenopacketSchemaVersion": "2.0"}}))
    r = run_cli("assess", str(bad))
    assert r.returncode == 2
    assert r.stderr.count("\n") == 1 and "Traceback" not in r.stderr
    assert "child.json" in r.stderr and "$.phenotypicFeatures[0].type.id" in r.stderr and "HP:0000000001" in r.stderr


def test_missing_file_is_exit_2():
    r = run_cli("assess", "no-such-file.json")
    assert r.returncode == 2 and "no such file" in r.stderr


def test_failed_run_writes_nothing(tmp_path):
    out = tmp_path / "out.json"
    bad = tmp_path / "bad.json"
    bad.write_text("")
    r = run_cli("assess", str(bad), "--format", "json", "-o", str(out))
    assert r.returncode == 2 and not out.exists() and list(tmp_path.iterdir()) == [bad]


def test_knowledge_list_and_show():
    r = run_cli("knowledge", "list", "--prefix", "OP-GENE")
    assert r.returncode == 0 and "OP-GENE-TCIRG1" in r.stdout
    r = run_cli("knowledge", "show", "OP-GENE-OSTM1")
    assert r.returncode == 0 and "not_indicated" in r.stdout and "10.1002/pbc.28841" in r.stdout
    assert run_cli("knowledge", "show", "NOPE-X").returncode == 2


def test_unknown_schema_is_exit_2():
    r = run_cli("schema", "nothing")
    assert r.returncode == 2 and "assessment" in r.stderr
