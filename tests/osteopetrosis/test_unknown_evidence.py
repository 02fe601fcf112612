"""A red flag's "not yet recorded" line is built once per knowledge base and shared between records
(osteopetrosis.suspicion._unknown_evidence, a hot-path shortcut of the CDS Hooks call): it must equal the line built
afresh, for every flag and in the suspicion of every record of the repository."""

from __future__ import annotations

import pytest

from rarebone.core.evidence import Evidence, FactStatus
from rarebone.knowledge import load
from rarebone.knowledge.kinds.osteopetrosis import RedFlag
from rarebone.osteopetrosis import suspicion as S
from rarebone.osteopetrosis.matching import Match
from rarebone.phenotype import ontology


def test_shared_line_is_frozen_and_equals_a_fresh_one_for_every_flag():
    kb = load()
    assert Evidence.model_config.get("frozen") is True  # shared between records: must not be changed in place
    flags = list(kb.of_kind(RedFlag))
    assert len(flags) > 10
    for flag in flags:
        shared = S._unknown_evidence(flag, kb)
        assert shared is S._unknown_evidence(flag, kb)
        assert shared == S._evidence(flag, Match(FactStatus.UNKNOWN), kb, None)
        assert shared.status is FactStatus.UNKNOWN and shared.patient_fact is None and shared.weight is None
        with pytest.raises(Exception):
            shared.label = "changed"


def test_suspicion_of_every_record_equals_the_one_built_afresh(monkeypatch):
    from tests.cno.test_level_is_none import _patients

    kb, onto = load(), ontology()
    shared_runs = {}
    patients = list(_patients())
    for name, patient in patients:
        shared_runs[name] = S.assess_suspicion(patient, kb, onto)
    monkeypatch.setattr(S, "_unknown_evidence", lambda flag, kb: S._evidence(flag, Match(FactStatus.UNKNOWN), kb, None))
    unknown_lines = 0
    for name, patient in patients:
        fresh = S.assess_suspicion(patient, kb, onto)
        assert shared_runs[name] == fresh, name
        unknown_lines += len(fresh.unknown)
    assert len(patients) > 1000 and unknown_lines > 10 * len(patients)
