"""The de-identified research export (issue 11 item 1): the re-identification attacks that worked on the old
export must fail, the key never comes from the command line, the key file is owner-only, and the export says
which rule it applied (HIPAA Safe Harbor dates, 45 CFR 164.514(b)(2)(i)(C))."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import stat

import pytest

from rarebone.errors import InputError
from rarebone.registry import deidentify as de
from rarebone.registry import export

NAME = "Jonathan Quixley"
SECRET_DAY = "2016-03-10"


def _record(key="PATIENT-0042", birth="2015-03-02", transplant=SECRET_DAY) -> dict:
    """A record with a name and an unshifted date hidden in every free-text field the old export let through."""
    return {
        "patient": {"patient_key": key, "synthetic": False, "sex": "male", "birth_date": birth, "diagnosis": "MIOP",
                    "gene": "TCIRG1", "genotype": "homozygous", "vital_status": "dead", "death_date": "2017-01-05",
                    "last_contact_date": "2017-01-05", "cause_of_death": f"{NAME} died {SECRET_DAY}",
                    "notes": f"{NAME}, seen {SECRET_DAY}"},
        "phenotypes": [{"hpo_id": "HP:0011001", "label": NAME, "excluded": False, "onset_age_days": 30.0}],
        "measurements": [{"assay_id": "LOINC:751-8", "analyte": "anc", "value": 0.4, "unit": "10*9/L",
                          "age_days": None, "measured_on": "2016-04-01"}],
        "treatments": [{"agent_id": "CHEBI:28876", "agent_label": NAME, "route": f"iv by {NAME}",
                        "cumulative_dose": 140.0, "cumulative_dose_unit": "mg/m2"}],
        "transplants": [{"number": 1, "transplant_date": transplant, "age_at_transplant_days": 374.0,
                         "donor_relation": "father", "conditioning": f"{NAME} {SECRET_DAY} Flu/Bu",
                         "followup_days": 301.0, "cd34_10e6_per_kg": 10.2}],
        "complications": [{"kind": f"cmv ({NAME}, {SECRET_DAY})", "day": 35.0}, {"kind": "vod", "day": 12.0}],
        "cno_visits": [],
        "lesions": [{"site": f"femur - {NAME}", "status": "active", "first_seen_age_days": 10.0},
                    {"site": "tibia", "status": "resolved", "first_seen_age_days": 12.0}],
    }


@pytest.fixture
def key(tmp_path):
    return de.open_key(tmp_path / "research.key", environ={})


def _old_attack(pseudonym: str, shifted: str) -> str:
    """The attack on the old export: its shift was int(sha256(salt:key)[:8], 16) % 361 - 180 and its pseudonym
    published sha256(salt:key)[:12], so the shift, and every true date, could be read off the pseudonym."""
    digest = pseudonym.split("-")[-1]
    shift = int(digest[:8], 16) % 361 - 180
    return (dt.date.fromisoformat(shifted) - dt.timedelta(days=shift)).isoformat()


def test_old_reidentification_attack_fails(key):
    records = [_record(f"PATIENT-{i:04d}") for i in range(20)]
    out = list(de.deidentify(records, key))
    text = json.dumps(out)
    # No full date at all leaves (Safe Harbor: the year only); so there is nothing to un-shift
    assert not re.search(r"\d{4}-\d{2}-\d{2}", text)
    # the attack can only work on a full date; give it the best it can get (1 July of the exported year). On the old
    # export it recovered every record; now a hit is luck (the guessed shift is one of 361 values, so ~20/361
    # records hit by chance: more than 3 of 20 has probability < 1e-4 unless the attack works)
    hits = sum(_old_attack(r["patient"]["pseudonym"], f"{r['transplants'][0]['transplant_year']}-07-01") == SECRET_DAY
               for r in out)
    assert hits <= 3
    # the pseudonym is not the unkeyed hash of the patient key (with or without the old salt format)
    for r, rec in zip(out, records):
        plain = hashlib.sha256(rec["patient"]["patient_key"].encode()).hexdigest()
        assert plain[:20] not in r["patient"]["pseudonym"]


def test_shift_is_independent_of_the_pseudonym(tmp_path):
    """Same key, same pseudonym; the shift is a separate random draw kept in the key file: two key files with
    the same secret give the same pseudonyms but (almost surely) different shifts."""
    env = {de.KEY_ENV: "x" * 40}
    one, two = de.open_key(tmp_path / "a.key", environ=env), de.open_key(tmp_path / "b.key", environ=env)
    records = [_record(f"P-{i}") for i in range(30)]
    a, b = list(de.deidentify(records, one)), list(de.deidentify(records, two))
    assert [r["patient"]["pseudonym"] for r in a] == [r["patient"]["pseudonym"] for r in b]
    assert one.shifts != two.shifts
    assert all(1 <= abs(s) <= de.MAX_SHIFT_DAYS for s in one.shifts.values())


def test_free_text_never_leaves(key):
    text = json.dumps(list(de.deidentify([_record()], key)))
    assert NAME not in text and "Quixley" not in text and SECRET_DAY not in text
    out = json.loads(text)[0]
    assert out["transplants"][0]["conditioning"] == "other"  # a token outside the agent list: the whole value
    assert [c["kind"] for c in out["complications"]] == ["other", "vod"]
    assert [les["site"] for les in out["lesions"]] == ["other", "tibia"]
    assert out["treatments"][0] == {"agent_id": "CHEBI:28876", "route": "other", "cumulative_dose": 140.0,
                                    "cumulative_dose_unit": "mg/m2"}
    assert "cause_of_death" not in out["patient"] and "notes" not in out["patient"]


def test_coded_conditioning_passes():
    assert de.conditioning_code("Flu/Bu/Cy+ATG") == "FLU/BU/CY/ATG"
    assert de.conditioning_code("Bu/Cy") == "BU/CY"
    assert de.conditioning_code("Bu/Cy Dr Who") == "other"


def test_intervals_are_exact_days_from_birth(key):
    out = next(de.deidentify([_record()], key))
    # 2015-03-02 -> 2016-03-10 = 374 days (2016 is a leap year: 305 + 69); death 2017-01-05 = 675 days
    assert out["transplants"][0]["transplant_day"] == 374
    assert out["patient"]["death_day"] == 675
    assert out["patient"]["day_index"] == "birth" and out["deidentification"] == de.RULE_ID
    assert out["patient"]["birth_year"] in (2014, 2015)  # the year of the shifted date (shift <= 182 days)


def test_safe_harbor_ages_over_89_withheld_against_45cfr164_514(key):
    """45 CFR 164.514(b)(2)(i)(C): ages over 89 aggregated. 89 years 364 days passes, 90 years does not."""
    young = _record()
    young["patient"]["age_at_diagnosis_days"] = 89 * 365.25 + 364
    old = _record("P-OLD")
    old["patient"]["age_at_diagnosis_days"] = 90 * 365.25
    a, b = de.deidentify([young, old], key)
    assert a["patient"]["age_at_diagnosis_days"] == pytest.approx(89 * 365.25 + 364) and "age_90_or_over" not in a["patient"]
    assert "age_at_diagnosis_days" not in b["patient"] and b["patient"]["age_90_or_over"] is True
    assert "birth_year" not in b["patient"]


def test_every_column_has_a_decision():
    """A column added to the registry must be listed (kept or dropped) before it can leave."""
    from rarebone.registry.store import CHILDREN, PATIENT_COLUMNS, columns

    specs = de._specs({"gene": frozenset(), "site": frozenset(), "analyte": frozenset()})
    assert set(PATIENT_COLUMNS) == set(specs["patient"])
    for name, model in CHILDREN.items():
        assert set(columns(model)) - {"number"} <= set(specs[name]), name


def test_key_file_is_owner_only_and_reused(tmp_path):
    path = tmp_path / "research.key"
    key = de.open_key(path, environ={})
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    first = [r["patient"]["pseudonym"] for r in de.deidentify([_record()], key)]
    key.save()
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    again = de.open_key(path, environ={})
    assert [r["patient"]["pseudonym"] for r in de.deidentify([_record()], again)] == first
    assert again.shifts == key.shifts
    os.chmod(path, 0o644)
    with pytest.raises(InputError, match="readable by others"):
        de.open_key(path, environ={})


def test_secret_from_environment_is_not_written(tmp_path):
    path = tmp_path / "k.key"
    de.open_key(path, environ={de.KEY_ENV: "s" * 40})
    assert json.loads(path.read_text())["secret"] is None
    with pytest.raises(InputError, match="holds no secret"):
        de.open_key(path, environ={})
    de.open_key(tmp_path / "k3.key", environ={})  # a file with its own secret
    with pytest.raises(InputError, match="unset one"):  # never overwrite a stored secret with another one
        de.open_key(tmp_path / "k3.key", environ={de.KEY_ENV: "t" * 40})
    with pytest.raises(InputError, match="too short"):
        de.open_key(tmp_path / "k2.key", environ={de.KEY_ENV: "short"})
    with pytest.raises(InputError, match="--key-file"):
        de.open_key(None, environ={})


def test_cli_refuses_salt_and_states_the_rule(capsys, tmp_path, monkeypatch):
    from rarebone.cli import main

    db = str(tmp_path / "r.sqlite")
    monkeypatch.delenv(de.KEY_ENV, raising=False)
    monkeypatch.delenv(de.KEY_FILE_ENV, raising=False)
    from rarebone.registry import db as dbm
    from rarebone.registry import store

    record = _record()
    for part in [record["patient"], *record["transplants"], *record["measurements"]]:
        for k, v in part.items():
            if k.endswith(("_date", "_on")):
                part[k] = dt.date.fromisoformat(v)
    assert store.import_records(dbm.open_registry(db, create=True), [("t", record)]).rejected == []
    with pytest.raises(SystemExit) as exc:
        main(["registry", "export", "--as", "research", "--db", db, "--salt", "k"])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--key-file" in err and "RAREBONE_EXPORT_KEY" in err
    keyfile = tmp_path / "k.key"
    main(["registry", "export", "--as", "research", "--db", db, "--key-file", str(keyfile)])
    captured = capsys.readouterr()
    assert "Safe Harbor" in captured.err and stat.S_IMODE(os.stat(keyfile).st_mode) == 0o600
    line = json.loads(captured.out.splitlines()[0])
    assert line["deidentification"] == de.RULE_ID and NAME not in captured.out
